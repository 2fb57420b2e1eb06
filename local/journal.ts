/**
 * An append-only JSON-lines journal with group commit: concurrent `append`s are written together and
 * made durable with one `fdatasync`, and each caller's promise resolves only once its line is on disk.
 * That is what lets the local queue say "acknowledged" (the 202) and mean it across a crash.
 *
 * `rewrite` compacts: the live state is written to a temporary file, synced, and renamed over the
 * journal, so a crash leaves either the old journal or the new one, never a mix.
 * A torn last line (a crash mid-write) is skipped on replay.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

interface Pending {
  readonly lines: string;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class Journal {
  private pending: Pending[] = [];
  /** Every write and rewrite runs on this chain, one at a time, in call order. */
  private chain: Promise<void> = Promise.resolve();
  private flushScheduled = false;
  private closed = false;
  /** Bytes written since the last rewrite; the owner uses it to decide when to compact. */
  bytesSinceRewrite = 0;

  private constructor(
    readonly path: string,
    private file: FileHandle,
    private readonly sync: boolean,
  ) {}

  /** Opens (creating) the journal and returns it with the records replayed from disk. */
  static async open<T>(
    path: string,
    options: { sync?: boolean } = {},
  ): Promise<{ journal: Journal; records: T[]; skipped: number }> {
    mkdirSync(dirname(path), { recursive: true });
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const records: T[] = [];
    let skipped = 0;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        records.push(JSON.parse(line) as T);
      } catch {
        skipped++;
      }
    }
    const file = await open(path, 'a');
    const journal = new Journal(path, file, options.sync ?? true);
    journal.bytesSinceRewrite = Buffer.byteLength(text);
    return { journal, records, skipped };
  }

  /**
   * Appends records; resolves when they are durable. Appends made while a write is in progress are
   * grouped into the next write (group commit).
   */
  append(...records: readonly unknown[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`journal ${this.path} is closed`));
    const lines = records.map((r) => `${JSON.stringify(r)}\n`).join('');
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ lines, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        this.chain = this.chain.then(() => this.flush());
      }
    });
  }

  /**
   * Replaces the journal with `records`, atomically. `records` must be the live state at the moment
   * of the call: appends made before the call are written first (and superseded), later ones after.
   */
  rewrite(records: readonly unknown[]): Promise<void> {
    const text = records.map((r) => `${JSON.stringify(r)}\n`).join('');
    const done = this.chain.then(async () => {
      const tmp = `${this.path}.tmp`;
      const handle = await open(tmp, 'w');
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await this.file.close();
      await rename(tmp, this.path);
      this.file = await open(this.path, 'a');
      this.bytesSinceRewrite = Buffer.byteLength(text);
    });
    this.chain = done.catch(() => undefined);
    return done;
  }

  /** Waits until everything appended so far is written. */
  async idle(): Promise<void> {
    let seen;
    do {
      seen = this.chain;
      await seen;
    } while (seen !== this.chain);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.idle();
    this.closed = true;
    await this.file.close();
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const text = batch.map((p) => p.lines).join('');
    try {
      await this.file.write(text);
      if (this.sync) await this.file.datasync();
      this.bytesSinceRewrite += Buffer.byteLength(text);
      for (const p of batch) p.resolve();
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }
}
