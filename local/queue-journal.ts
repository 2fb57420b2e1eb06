/**
 * How a local queue is kept on disk: the journal line for each state change, the snapshot a
 * compaction writes, replaying lines back into messages, and when to compact. The queue's rules
 * (visibility, receive counts, the DLQ) live in queue.ts; this file only encodes them.
 */
import { Journal } from './journal';
import { md5, type StoredMessage } from './queue-message';

/** Journal lines: short keys, since a busy queue writes several per message. */
export type Op =
  | {
      o: 's';
      q: 'm' | 'd';
      id: string;
      b: string;
      a: Record<string, string>;
      /** The message group (fair queues). */
      g?: string;
      t: number;
      rc?: number;
      f?: number;
      v?: number;
    }
  | { o: 'r'; id: string; rc: number; f: number; v: number }
  | { o: 'v'; id: string; v: number }
  | { o: 'd'; id: string }
  | { o: 'dd'; id: string }
  | { o: 'dlq'; id: string }
  | { o: 'redrive'; id: string };

/** Rewrite the journal once it is this large and mostly garbage. */
const COMPACT_MIN_BYTES = 8 * 1024 * 1024;

/** The live state, in the order a snapshot lists it. */
export interface QueueContents {
  /** Main-queue messages: in flight first, then visible, then sent-but-not-yet-durable. */
  readonly main: Iterable<StoredMessage>;
  readonly dlq: Iterable<StoredMessage>;
}

/** A queue's journal: appends, and compaction when the file is mostly superseded lines. */
export class QueueJournal {
  private compacting = false;

  private constructor(private readonly journal: Journal) {}

  /** Opens the journal and replays it into the main queue's and the DLQ's messages. */
  static async open(
    path: string,
    sync: boolean,
  ): Promise<{ journal: QueueJournal; main: Map<string, StoredMessage>; dlq: Map<string, StoredMessage> }> {
    const { journal, records } = await Journal.open<Op>(path, { sync });
    return { journal: new QueueJournal(journal), ...replay(records) };
  }

  append(...ops: Op[]): Promise<void> {
    return this.journal.append(...ops);
  }

  /** Replaces the journal with a snapshot of `contents`. */
  rewrite(contents: QueueContents): Promise<void> {
    return this.journal.rewrite(snapshot(contents));
  }

  /** Compacts in the background once the journal is large and at least four times the live data. */
  maybeCompact(liveBytes: number, contents: () => QueueContents): void {
    if (this.compacting) return;
    const written = this.journal.bytesSinceRewrite;
    if (written < COMPACT_MIN_BYTES || written < 4 * liveBytes) return;
    this.compacting = true;
    this.rewrite(contents())
      .catch(() => undefined)
      .finally(() => {
        this.compacting = false;
      });
  }

  async close(contents: QueueContents): Promise<void> {
    await this.rewrite(contents);
    await this.journal.close();
  }
}

function snapshot(contents: QueueContents): Op[] {
  const line = (q: 'm' | 'd', m: StoredMessage): Op => ({
    o: 's',
    q,
    id: m.id,
    b: m.body,
    a: { ...m.attributes },
    ...(m.groupId !== undefined && { g: m.groupId }),
    t: m.sentAt,
    rc: m.receiveCount,
    ...(m.firstReceivedAt !== undefined && { f: m.firstReceivedAt }),
    v: m.visibleAt,
  });
  return [...[...contents.main].map((m) => line('m', m)), ...[...contents.dlq].map((m) => line('d', m))];
}

function replay(ops: readonly Op[]): { main: Map<string, StoredMessage>; dlq: Map<string, StoredMessage> } {
  const main = new Map<string, StoredMessage>();
  const dlq = new Map<string, StoredMessage>();
  for (const op of ops) {
    switch (op.o) {
      case 's': {
        const m: StoredMessage = {
          id: op.id,
          body: op.b,
          attributes: op.a,
          ...(op.g !== undefined && { groupId: op.g }),
          md5OfBody: md5(op.b),
          sentAt: op.t,
          receiveCount: op.rc ?? 0,
          firstReceivedAt: op.f,
          visibleAt: op.v ?? op.t,
          receiptHandle: undefined,
        };
        (op.q === 'm' ? main : dlq).set(op.id, m);
        break;
      }
      case 'r': {
        const m = main.get(op.id);
        if (m) Object.assign(m, { receiveCount: op.rc, firstReceivedAt: op.f, visibleAt: op.v });
        break;
      }
      case 'v': {
        const m = main.get(op.id);
        if (m) m.visibleAt = op.v;
        break;
      }
      case 'd':
        main.delete(op.id);
        break;
      case 'dd':
        dlq.delete(op.id);
        break;
      case 'dlq': {
        const m = main.get(op.id);
        if (m) {
          main.delete(op.id);
          dlq.set(op.id, m);
        }
        break;
      }
      case 'redrive': {
        const m = dlq.get(op.id);
        if (m) {
          dlq.delete(op.id);
          Object.assign(m, { receiveCount: 0, firstReceivedAt: undefined, visibleAt: m.sentAt });
          main.set(op.id, m);
        }
        break;
      }
    }
  }
  return { main, dlq };
}
