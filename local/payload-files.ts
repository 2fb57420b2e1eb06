/**
 * The local stand-in for the bucket of large payloads (lambdas/adapters/payload-store.ts): a file per payload under
 * the data directory (in memory with `--in-memory`), written to a temporary name and renamed, so a crash never leaves
 * half a payload. `expire` stands in for the bucket's lifecycle rule.
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { PayloadStore } from '../lambdas/adapters/payload-store';

export class LocalPayloadFiles implements PayloadStore {
  private readonly memory = new Map<string, string>();

  /** Without `dir`, payloads live in memory. */
  constructor(private readonly dir?: string) {}

  async put(key: string, payload: string): Promise<void> {
    if (this.dir === undefined) return void this.memory.set(key, payload);
    const path = join(this.dir, key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(`${path}.tmp`, payload, 'utf8');
    await rename(`${path}.tmp`, path);
  }

  async get(key: string): Promise<string | undefined> {
    if (this.dir === undefined) return this.memory.get(key);
    try {
      return await readFile(join(this.dir, key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Deletes payload files written more than `maxAgeMs` ago; returns how many. */
  async expire(maxAgeMs: number, nowMs: number = Date.now()): Promise<number> {
    if (this.dir === undefined) return 0;
    const files = await readdir(this.dir, { recursive: true }).catch(() => [] as string[]);
    let deleted = 0;
    for (const file of files) {
      const path = join(this.dir, file);
      const info = await stat(path);
      if (info.isFile() && info.mtimeMs < nowMs - maxAgeMs) {
        await rm(path, { force: true });
        deleted++;
      }
    }
    return deleted;
  }
}
