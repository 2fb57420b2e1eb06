/** The local stand-in for the bucket of large payloads: files under the data directory, expired like the bucket's lifecycle. */
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalPayloadFiles } from '../../local/payload-files';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('LocalPayloadFiles', () => {
  it('keeps a payload under the data directory and reads it back; an unknown key is undefined', async () => {
    dir = mkdtempSync(join(tmpdir(), 'payloads-'));
    const files = new LocalPayloadFiles(dir);
    await files.put('payloads/ab/abcd', '{"é":1}');

    expect(await new LocalPayloadFiles(dir).get('payloads/ab/abcd')).toBe('{"é":1}');
    expect(await files.get('payloads/ab/none')).toBeUndefined();
  });

  it('expires payloads written longer ago than the retention, as the bucket lifecycle does', async () => {
    dir = mkdtempSync(join(tmpdir(), 'payloads-'));
    const files = new LocalPayloadFiles(dir);
    await files.put('payloads/aa/old', 'old');
    await files.put('payloads/bb/new', 'new');
    const longAgo = new Date(Date.now() - 40 * 86_400_000);
    utimesSync(join(dir, 'payloads/aa/old'), longAgo, longAgo);

    expect(await files.expire(31 * 86_400_000)).toBe(1);
    expect(await files.get('payloads/aa/old')).toBeUndefined();
    expect(await files.get('payloads/bb/new')).toBe('new');
  });

  it('keeps payloads in memory without a data directory', async () => {
    const files = new LocalPayloadFiles();
    await files.put('k', 'v');
    expect(await files.get('k')).toBe('v');
    expect(await files.expire(0)).toBe(0);
  });
});
