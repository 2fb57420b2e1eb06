import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('the package bin (cli/bin.mjs)', () => {
  it('runs a command and passes its exit code through', () => {
    const run = spawnSync(
      process.execPath,
      ['cli/bin.mjs', 'verify', '--scheme', 'github', '--secret', 's', '--header', 'X-Hub-Signature-256: sha256=00'],
      {
        input: '{"a":1}',
        encoding: 'utf8',
      },
    );

    expect(run.status).toBe(1);
    expect(run.stdout).toContain('invalid: malformed_signature');
  });
});
