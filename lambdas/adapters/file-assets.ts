/**
 * The portal's front end as the API function serves it: the files web/build.ts wrote beside the bundle, read once
 * at cold start (a few tens of KB), with the content types its manifest names.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WebAssets } from '../core/portal/web-assets';

/** The files of `dir` by name; none when the directory is absent (the portal's pages then answer 404). */
export function readWebAssets(dir: string): WebAssets {
  const manifest = join(dir, 'manifest.json');
  if (!existsSync(manifest)) return new Map();
  const types = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, string>;
  return new Map(
    Object.entries(types).map(([name, contentType]) => [
      name,
      { contentType, body: readFileSync(join(dir, name), 'utf8') },
    ]),
  );
}
