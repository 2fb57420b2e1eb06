/**
 * The endpoint operational state (state-store.ts) on the outbound table: one item per (tenant, endpoint, kind) in its
 * own partition, so a busy endpoint's bucket writes never contend with another endpoint's, nor with its breaker's.
 *
 * A versioned record (the rate bucket, the circuit's state) is one JSON document and a `version` that carries the
 * compare-and-set. The circuit's item also holds what the breaker counts (decision 0027), changed only by atomic
 * updates that never touch the version: `cf` (failures in a row), a ring of the window's slices (`w<i>` the slice's
 * start, `n<i>` its attempts, `f<i>` its failures, slot i = slice number mod WINDOW_BUCKETS), and the health record
 * (`failingSince`, `lastFailureAt`, `lastSuccessAt`). Only a failed condition means "somebody wrote since your read"
 * (false); every other error (throttling, access, network) propagates.
 */
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { OUTBOUND_TABLE } from '../contract';
import { sliceOf, WINDOW_BUCKETS, type AttemptSample, type CircuitCounts } from '../core/outbound/admission/circuit';
import type { HealthState } from '../core/outbound/admission/health';
import type {
  CircuitRecord,
  EndpointRef,
  EndpointStateKey,
  EndpointStateKind,
  EndpointStateStore,
  EndpointStates,
  Versioned,
} from '../core/outbound/admission/state-store';
import type { Item } from './dynamo-outbound-codec';
import { UpdateBuilder } from './dynamo-update';

const { partitionKey: PK, sortKey: SK } = OUTBOUND_TABLE;
const SLOTS = Array.from({ length: WINDOW_BUCKETS }, (_, i) => i);
/** Every counted attribute: what starting afresh removes. */
const COUNTS = ['cf', ...SLOTS.flatMap((i) => [`w${i}`, `n${i}`, `f${i}`])];

/** The item key of one state record. */
export const stateKey = (k: EndpointStateKey): Item => ({
  [PK]: { S: `EPSTATE#${k.tenantId}#${k.endpointId}` },
  [SK]: { S: `STATE#${k.kind}` },
});

const num = (item: Item | undefined, name: string) =>
  item?.[name]?.N === undefined ? undefined : Number(item[name].N);

export class DynamoEndpointStateStore implements EndpointStateStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async read<K extends EndpointStateKind>(key: EndpointStateKey<K>): Promise<Versioned<EndpointStates[K]>> {
    return versioned(await this.get(stateKey(key))) as Versioned<EndpointStates[K]>;
  }

  async compareAndSet<K extends EndpointStateKind>(
    key: EndpointStateKey<K>,
    expectedVersion: number,
    value: EndpointStates[K],
  ): Promise<boolean> {
    const u = new UpdateBuilder()
      .set('kind', { S: `endpoint-state:${key.kind}` })
      .set('doc', { S: JSON.stringify(value) })
      .set('version', { N: String(expectedVersion + 1) });
    // A closed circuit starts counting afresh.
    if (key.kind === 'circuit' && (value as EndpointStates['circuit']).status === 'closed') u.remove(...COUNTS);
    const condition =
      expectedVersion === 0
        ? `attribute_not_exists(${u.name('version')})`
        : `${u.name('version')} = ${u.value('expected', { N: String(expectedVersion) })}`;
    try {
      await this.client.send(
        new UpdateItemCommand({ TableName: this.tableName, Key: stateKey(key), ...u.build(condition) }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async count(endpoint: EndpointRef, samples: readonly AttemptSample[], windowMs: number): Promise<CircuitRecord> {
    const key = stateKey({ ...endpoint, kind: 'circuit' });
    const slices = new Map<number, { sliceMs: number; total: number; failures: number }>();
    for (const s of samples) {
      const { start, sliceMs } = sliceOf(s.at, windowMs);
      const slice = slices.get(start) ?? { sliceMs, total: 0, failures: 0 };
      slices.set(start, { sliceMs, total: slice.total + 1, failures: slice.failures + (s.success ? 0 : 1) });
    }
    let after: Item | undefined;
    let first = true;
    for (const [start, slice] of slices) {
      after = await this.countSlice(key, start, slice, first ? samples : []);
      first = false;
    }
    return toRecord(after);
  }

  /** Adds one slice's totals (and, with `samples`, the run of failures and the health record) to the ring. */
  private async countSlice(
    key: Item,
    start: number,
    slice: { sliceMs: number; total: number; failures: number },
    samples: readonly AttemptSample[],
  ): Promise<Item | undefined> {
    const i = (start / slice.sliceMs) % WINDOW_BUCKETS;
    for (let round = 0; round < 6; round++) {
      const u = new UpdateBuilder();
      countRun(u, samples);
      const seen = (await this.tryUpdate(key, u, round % 2 === 0 ? 'add' : 'roll', i, start, slice)) ?? null;
      if (seen === null) continue;
      if ('after' in seen) return seen.after;
      // The slot holds a newer slice: these results left the window already; count the rest only.
      if (seen.newer) {
        const rest = new UpdateBuilder();
        countRun(rest, samples);
        if (samples.length === 0) return this.get(key);
        const out = await this.client.send(
          new UpdateItemCommand({ TableName: this.tableName, Key: key, ...rest.build(), ReturnValues: 'ALL_NEW' }),
        );
        return out.Attributes;
      }
    }
    throw new Error(`endpoint state: the window slot kept changing (${key[PK]?.S})`);
  }

  /**
   * `add`: ADD to the slot if it holds this slice. `roll`: start the slot at this slice if it holds an older one (or
   * none). Answers the item after, or (refused) whether the slot holds a newer slice.
   */
  private async tryUpdate(
    key: Item,
    u: UpdateBuilder,
    mode: 'add' | 'roll',
    i: number,
    start: number,
    slice: { total: number; failures: number },
  ): Promise<{ after: Item | undefined } | { newer: boolean } | undefined> {
    const w = u.name(`w${i}`);
    const at = u.value('slice', { N: String(start) });
    if (mode === 'add') u.add(`n${i}`, { N: String(slice.total) }).add(`f${i}`, { N: String(slice.failures) });
    else
      u.set(`w${i}`, { N: String(start) })
        .set(`n${i}`, { N: String(slice.total) })
        .set(`f${i}`, { N: String(slice.failures) });
    const condition = mode === 'add' ? `${w} = ${at}` : `attribute_not_exists(${w}) OR ${w} < ${at}`;
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: key,
          ...u.build(condition),
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { after: out.Attributes };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const held = num(error.Item, `w${i}`);
      return held !== undefined && held > start ? { newer: true } : undefined;
    }
  }

  async readCircuit(endpoint: EndpointRef): Promise<CircuitRecord> {
    return toRecord(await this.get(stateKey({ ...endpoint, kind: 'circuit' })));
  }

  async reset(endpoint: EndpointRef): Promise<void> {
    const u = new UpdateBuilder()
      .set('kind', { S: 'endpoint-state:circuit' })
      .set('doc', { S: JSON.stringify({ status: 'closed' }) })
      .remove(...COUNTS, 'failingSince');
    u.setExpression(
      'version',
      `if_not_exists(${u.name('version')}, ${u.value('zero', { N: '0' })}) + ${u.value('one', { N: '1' })}`,
    );
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: stateKey({ ...endpoint, kind: 'circuit' }),
        ...u.build(),
      }),
    );
  }

  private async get(key: Item): Promise<Item | undefined> {
    // Strongly consistent: a stale read would only lose the following compare-and-set, but costs a round trip.
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return out.Item;
  }
}

/**
 * The run of failures and the health record after `samples` (in the order they finished), as `addSamples` and
 * `healthAfter` describe them, written into `u` so that nothing is read first.
 */
function countRun(u: UpdateBuilder, samples: readonly AttemptSample[]): void {
  if (samples.length === 0) return;
  const lastSuccess = samples.findLastIndex((s) => s.success);
  const trailing = samples.slice(lastSuccess + 1);
  const lastFailure = samples.findLast((s) => !s.success);
  if (lastSuccess >= 0)
    u.set('cf', { N: String(trailing.length) }).set('lastSuccessAt', { N: String(samples[lastSuccess]!.at) });
  else u.add('cf', { N: String(trailing.length) });
  if (lastFailure !== undefined) u.set('lastFailureAt', { N: String(lastFailure.at) });
  if (trailing.length === 0) u.remove('failingSince');
  else if (lastSuccess >= 0) u.set('failingSince', { N: String(trailing[0]!.at) });
  else
    u.setExpression(
      'failingSince',
      `if_not_exists(${u.name('failingSince')}, ${u.value('firstFailure', { N: String(trailing[0]!.at) })})`,
    );
}

function versioned(item: Item | undefined): Versioned<unknown> {
  if (item?.doc?.S === undefined || item.version?.N === undefined) return { value: undefined, version: 0 };
  return { value: JSON.parse(item.doc.S) as unknown, version: Number(item.version.N) };
}

function toRecord(item: Item | undefined): CircuitRecord {
  const window: CircuitCounts['window'][number][] = [];
  for (const i of SLOTS) {
    const start = num(item, `w${i}`);
    if (start !== undefined) window.push({ start, total: num(item, `n${i}`) ?? 0, failures: num(item, `f${i}`) ?? 0 });
  }
  const health: { -readonly [K in keyof HealthState]: HealthState[K] } = {};
  for (const name of ['failingSince', 'lastFailureAt', 'lastSuccessAt'] as const) {
    const v = num(item, name);
    if (v !== undefined) health[name] = v;
  }
  return {
    circuit: versioned(item) as CircuitRecord['circuit'],
    counts: { consecutiveFailures: num(item, 'cf') ?? 0, window: window.sort((a, b) => a.start - b.start) },
    health,
  };
}
