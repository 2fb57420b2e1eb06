/**
 * cfn-lint over every template the app synthesizes: the sample config (what `cdk synth` deploys)
 * the fixture that exercises every option, and the fixture with outbound delivery on. Fails on any error or warning that .cfnlintrc.yaml
 * does not ignore with a reason. cfn-lint comes from pip with moto; test/integration/servers.ts
 * decides whether its absence skips (a developer machine, with one line saying so) or fails (CI).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import sampleConfig from '../../config/sources';
import { REPO_ROOT } from '../../lib/constructs/webhook-function';
import { available } from '../integration/servers';
import { defineConfig } from '../../lib/config';
import { fixtureConfig, fixtureInput, manySources, synth } from './support';

interface Finding {
  readonly Rule: { readonly Id: string };
  readonly Level: string;
  readonly Message: string;
  readonly Filename: string;
  readonly Location: { readonly Path?: readonly (string | number)[] };
}

const dir = mkdtempSync(path.join(tmpdir(), 'cfn-lint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!available('cfn-lint'))('cfn-lint', () => {
  it('finds no error or warning in any synthesized template', async () => {
    const files = Object.entries({
      sample: sampleConfig,
      fixture: fixtureConfig,
      outbound: defineConfig({ ...fixtureInput, outbound: { allowedCidrs: [] } }),
      // 200 config sources on the shared pipeline, with tenant sources and outbound (and its relay) on.
      many: defineConfig({
        ...fixtureInput,
        sources: manySources(200, 'shared'),
        subscriptions: [],
        outbound: { allowedCidrs: [] },
      }),
    }).map(([name, config]) => {
      const file = path.join(dir, `${name}.template.json`);
      writeFileSync(file, JSON.stringify(synth(config).template.toJSON(), null, 1));
      return file;
    });

    // Exit status 0 means no findings; 2, 4 and 8 (and their sums) mean errors, warnings, informational.
    const { stdout } = await promisify(execFile)(
      'cfn-lint',
      ['--config-file', path.join(REPO_ROOT, '.cfnlintrc.yaml'), '--format', 'json', '--', ...files],
      {
        cwd: REPO_ROOT,
        maxBuffer: 16 * 1024 * 1024,
      },
    ).catch((error: { stdout?: string; stderr?: string; code?: number }) => {
      if (typeof error.stdout === 'string' && error.stdout.trim().startsWith('[')) return { stdout: error.stdout };
      throw new Error(`cfn-lint failed to run (exit ${error.code}): ${error.stderr ?? ''}`);
    });

    const findings = (JSON.parse(stdout) as Finding[]).map(
      (f) => `${f.Level} ${f.Rule.Id} ${path.basename(f.Filename)} ${(f.Location.Path ?? []).join('/')}: ${f.Message}`,
    );
    expect(findings).toEqual([]);
  }, 120_000);
});
