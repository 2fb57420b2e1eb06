/**
 * The local archive: the ObjectStore port on a directory (`<data dir>/archive/<key>`, so the local archive has
 * exactly the deployed bucket's layout and DuckDB reads it with the same partitions Athena projects), or in memory
 * for an in-memory stack. Writes go to a temporary file renamed into place and are flushed to disk first, as a
 * PUT is durable when S3 answers it.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { dirname, join, relative, sep } from 'node:path';
import type { ObjectStore, PutOptions } from '../lambdas/core/archive/ports';

/** What the local archive calls its bucket in pointers (SNS extended-client format). */
export const LOCAL_ARCHIVE_BUCKET = 'local-archive';

export class FileObjectStore implements ObjectStore {
  readonly bucket = LOCAL_ARCHIVE_BUCKET;
  constructor(readonly root: string) {}

  async put(key: string, body: Uint8Array, _options?: PutOptions): Promise<void> {
    const path = this.path(key);
    mkdirSync(dirname(path), { recursive: true });
    const temp = `${path}.${randomUUID()}.tmp`;
    const fd = openSync(temp, 'w');
    try {
      writeSync(fd, body);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return readFileSync(this.path(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async list(prefix: string, options: { startAfter?: string; limit?: number } = {}): Promise<readonly string[]> {
    const base = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const keys = walk(this.path(base))
      .map((file) => relative(this.root, file).split(sep).join('/'))
      .filter((key) => key.startsWith(prefix) && !key.endsWith('.tmp'))
      .filter((key) => options.startAfter === undefined || key > options.startAfter)
      .sort();
    return options.limit === undefined ? keys : keys.slice(0, options.limit);
  }

  /** The file of `key`; a key that would leave the archive directory is refused. */
  path(key: string): string {
    if (key.split('/').some((part) => part === '..' || part === '.')) throw new Error(`invalid archive key ${key}`);
    return join(this.root, ...key.split('/'));
  }
}

function walk(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

export class MemoryObjectStore implements ObjectStore {
  readonly bucket = LOCAL_ARCHIVE_BUCKET;
  readonly objects = new Map<string, Uint8Array>();

  async put(key: string, body: Uint8Array): Promise<void> {
    this.objects.set(key, Uint8Array.from(body));
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.objects.get(key);
  }

  async list(prefix: string, options: { startAfter?: string; limit?: number } = {}): Promise<readonly string[]> {
    const keys = [...this.objects.keys()]
      .filter((k) => k.startsWith(prefix) && (options.startAfter === undefined || k > options.startAfter))
      .sort();
    return options.limit === undefined ? keys : keys.slice(0, options.limit);
  }
}
