/**
 * Builds the portal's front end (web/src, framework-free TypeScript) into the files the stack serves: one
 * content-hashed script and style sheet, and two pages (`index.html` for the tenant portal, `console.html` for the
 * local operator console) that load them. esbuild only: it runs offline, and nothing is fetched at run time.
 *
 *   node --import tsx web/build.ts <dir>    writes the files to <dir> (the CDK bundling of the API function does)
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, transform } from 'esbuild';
import type { WebAsset, WebAssets } from '../lambdas/core/portal/web-assets';

const HERE = fileURLToPath(new URL('.', import.meta.url));

const hashed = (name: string, ext: string, body: string) =>
  `${name}-${createHash('sha256').update(body).digest('hex').slice(0, 10)}.${ext}`;

let memo: Promise<WebAssets> | undefined;

/** The built files by name (memoized: built once per process). */
export function buildWebAssets(): Promise<WebAssets> {
  return (memo ??= (async () => {
    const bundled = await build({
      entryPoints: [join(HERE, 'src/main.ts')],
      bundle: true,
      write: false,
      minify: true,
      format: 'esm',
      target: 'es2022',
      platform: 'browser',
      legalComments: 'none',
      tsconfig: join(HERE, 'tsconfig.json'),
      logLevel: 'silent',
    });
    const script = bundled.outputFiles[0]!.text;
    const style = (await transform(readFileSync(join(HERE, 'style.css'), 'utf8'), { loader: 'css', minify: true }))
      .code;
    const scriptName = hashed('app', 'js', script);
    const styleName = hashed('app', 'css', style);
    const template = readFileSync(join(HERE, 'page.html'), 'utf8');
    const page = (mode: 'portal' | 'console', title: string): WebAsset => ({
      contentType: 'text/html; charset=utf-8',
      body: template
        .replaceAll('{{title}}', title)
        .replaceAll('{{mode}}', mode)
        .replaceAll('{{script}}', scriptName)
        .replaceAll('{{style}}', styleName),
    });
    return new Map<string, WebAsset>([
      ['index.html', page('portal', 'Webhooks')],
      ['console.html', page('console', 'Webhook stack console')],
      [scriptName, { contentType: 'text/javascript; charset=utf-8', body: script }],
      [styleName, { contentType: 'text/css; charset=utf-8', body: style }],
    ]);
  })());
}

/** Writes the built files to `dir`, with a manifest of their content types. */
export async function writeWebAssets(dir: string): Promise<void> {
  const assets = await buildWebAssets();
  mkdirSync(dir, { recursive: true });
  for (const [name, asset] of assets) writeFileSync(join(dir, name), asset.body);
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify(Object.fromEntries([...assets].map(([name, a]) => [name, a.contentType]))),
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node --import tsx web/build.ts <dir>');
    process.exit(2);
  }
  await writeWebAssets(dir);
}
