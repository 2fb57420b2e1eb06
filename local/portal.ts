/**
 * The tenant portal on the local stack: its signing key in a file of the data directory (mode 600; in memory with
 * `--in-memory`), where Secrets Manager holds it deployed; the settings of config/portal.ts; and the front end built
 * from web/ at start. `rotate()` replaces the key, which ends every session, as rotating the secret does deployed.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { portal as configured } from '../config/portal';
import type { SigningKeySource } from '../lambdas/core/portal/sessions';
import type { PortalSettings } from '../lambdas/core/portal/settings';
import type { PortalDeps } from '../lambdas/outbound-api/portal';
import { buildWebAssets } from '../web/build';

const newKey = () => randomBytes(48).toString('base64url');

export interface LocalPortal extends PortalDeps {
  /** A new signing key: every session signed with the old one is refused from now on. */
  rotate(): void;
}

export async function startLocalPortal(options: { dataDir?: string; settings?: PortalSettings }): Promise<LocalPortal> {
  const keyPath = options.dataDir === undefined ? undefined : join(options.dataDir, 'portal-signing.key');
  let key: string;
  if (keyPath === undefined) key = newKey();
  else {
    if (!existsSync(keyPath)) {
      mkdirSync(dirname(keyPath), { recursive: true });
      writeFileSync(keyPath, newKey(), { mode: 0o600, flag: 'wx' });
    }
    key = readFileSync(keyPath, 'utf8').trim();
  }
  const keys: SigningKeySource = { current: async () => key };
  return {
    keys,
    settings: options.settings ?? configured,
    assets: await buildWebAssets(),
    rotate() {
      key = newKey();
      if (keyPath !== undefined) writeFileSync(keyPath, key, { mode: 0o600 });
    },
  };
}
