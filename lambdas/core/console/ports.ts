/**
 * What the operator console shows, as one port: the local stack answers it from its embedded stores
 * (local/console-data.ts), a deployed stack from DynamoDB, SQS and CloudWatch (adapters/console/aws-console-data.ts).
 * The console's routes (outbound-api/console.ts) read only this, so the page is the same in both.
 */
import type { EventRecord } from '../inbound/ports';

/** A source's requests over the last hour, per minute (oldest first, the last entry the current minute). */
export interface SourceRequests {
  readonly perMinute: readonly number[];
  /** Requests refused, aligned with `perMinute`. */
  readonly rejectedPerMinute: readonly number[];
  /** The hour's requests by outcome: `accepted`, `duplicate`, `rejected:<reason>`. */
  readonly outcomes: Readonly<Record<string, number>>;
}

export interface SourceActivity {
  readonly id: string;
  /** The signature scheme, where the source is a config source. */
  readonly scheme?: string;
  readonly requests: SourceRequests;
}

export interface QueueState {
  /** A source id, `pipeline:shared`, `outbound:intake`, `outbound:deliveries`. */
  readonly name: string;
  readonly visible: number;
  readonly inFlight: number;
  readonly deadLetters: number;
  readonly oldestAgeSeconds?: number;
}

export interface ConsoleOverview {
  readonly sources: readonly SourceActivity[];
  readonly queues: readonly QueueState[];
}

/** A dead letter as the console lists it: never its body. */
export interface DeadLetter {
  readonly id: string;
  readonly eventId?: string | undefined;
  readonly type?: string | undefined;
  readonly receiveCount: number;
  readonly bytes: number;
}

export type EndpointState = 'healthy' | 'failing' | 'circuit open' | 'circuit half-open' | 'disabled';

export interface EndpointRow {
  readonly tenantId: string;
  readonly endpointId: string;
  readonly url: string;
  readonly description?: string | undefined;
  readonly state: EndpointState;
  readonly disabledReason?: string | undefined;
}

/** The endpoint census: the endpoints found, and whether the whole table was read to find them. */
export interface EndpointCensus {
  readonly endpoints: readonly EndpointRow[];
  /** False when the read stopped at its bound: endpoints past it are not in `endpoints`. */
  readonly complete: boolean;
  /** Items read (and paid for) to find them. */
  readonly scanned: number;
}

export interface EventFilter {
  readonly source?: string;
  readonly status?: string;
  readonly limit: number;
}

/** A redrive of a queue's dead letters: how many moved, when known, and whether it is still running. */
export interface RedriveResult {
  readonly status: 'done' | 'running' | 'failed';
  readonly moved?: number;
  readonly message?: string;
}

export interface ConsoleData {
  overview(): Promise<ConsoleOverview>;
  /** The newest events first. */
  events(filter: EventFilter): Promise<readonly EventRecord[]>;
  event(source: string, eventId: string): Promise<EventRecord | undefined>;
  /** A queue's dead letters; undefined: no such queue. */
  deadLetters(queue: string): Promise<readonly DeadLetter[] | undefined>;
  /** Every tenant's endpoints with their state, as far as a bounded read finds them. */
  endpoints(): Promise<EndpointCensus>;
  /** Moves a queue's dead letters back to it; undefined: no such queue. */
  redrive(queue: string): Promise<RedriveResult | undefined>;
}
