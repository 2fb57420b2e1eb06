/** The ports every context uses (inbound and outbound): a clock and a topic. Each context keeps its own beside it. */

/** A clock, so the core takes `now` as a value and tests control it. */
export type Clock = () => number;

export interface PublishEntry {
  /** Unique within one batch. */
  readonly id: string;
  readonly message: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface Topic {
  /** Publishes entries; returns the ids of entries that failed (empty when all succeeded). */
  publishBatch(entries: readonly PublishEntry[]): Promise<ReadonlySet<string>>;
}
