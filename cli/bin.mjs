#!/usr/bin/env node
// The package `bin` (`webhooks`): runs the TypeScript CLI through tsx, which this repository
// installs. From a checkout: `npm link`, then `webhooks verify …` anywhere.
import process from 'node:process';
import { register } from 'tsx/esm/api';

register();
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { runCli } = await import('./index.ts');
const { loadDotEnv } = await import('../local/secrets.ts');
const { exitWhenFlushed } = await import('./lib/exit.ts');
loadDotEnv();
await exitWhenFlushed(await runCli(process.argv.slice(2)));
