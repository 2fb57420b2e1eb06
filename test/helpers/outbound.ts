/**
 * In-memory fakes of the outbound ports (same conditional semantics the DynamoDB adapters will need)
 * and the one fixture the outbound tests start from: a tenant, an enabled endpoint with sealed secrets,
 * a message, its pending delivery, and deps wired to fakes. Each negative test changes one thing.
 */
import type { Attempt, Delivery, Endpoint, MessageRecord } from '../../lambdas/core/outbound/model';
import type {
  ClaimRequest,
  DeliveryStore,
  DeliveryUpdate,
  EndpointRepository,
  EndpointStore,
  HttpSender,
  MessageStore,
  OutboundRequest,
  PutMessageResult,
  ResolvedAddress,
  Resolver,
  SecretCipher,
  SecretContext,
  SendResult,
} from '../../lambdas/core/outbound/ports';
import type { DeliverDeps, DeliveryJob } from '../../lambdas/core/outbound/delivery/attempt';
import { ssrfPolicy } from '../../lambdas/core/outbound/delivery/ssrf';
import { createTransformer } from '../../lambdas/core/outbound/delivery/transform';
import { deliveryIdFor } from '../../lambdas/core/outbound/intake/fanout';
import type { Log } from '../../lambdas/core/kernel/log';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class FakeMessageStore implements MessageStore {
  readonly records = new Map<string, Mutable<MessageRecord>>();

  async putIfAbsent(record: MessageRecord, nowMs: number): Promise<PutMessageResult> {
    const key = `${record.tenantId}#${record.id}`;
    const existing = this.records.get(key);
    if (existing && existing.expiresAt > nowMs) return { created: false, existing: { ...existing } };
    this.records.set(key, { ...record });
    return { created: true };
  }
}

export class FakeEndpointStore implements EndpointStore {
  constructor(readonly endpoints: Array<Mutable<Endpoint>> = []) {}

  async listByTenant(tenantId: string): Promise<readonly Endpoint[]> {
    return this.endpoints.filter((e) => e.tenantId === tenantId).map((e) => ({ ...e }));
  }

  async disable(tenantId: string, endpointId: string, reason: string, nowMs: number): Promise<void> {
    const e = this.endpoints.find((x) => x.tenantId === tenantId && x.endpointId === endpointId);
    if (e) Object.assign(e, { enabled: false, disabledReason: reason, updatedAt: nowMs });
  }
}

/** The management API's view of endpoints, in memory: create once, modify, remove. */
export class FakeEndpointRepository extends FakeEndpointStore implements EndpointRepository {
  async get(tenantId: string, endpointId: string): Promise<Endpoint | undefined> {
    const e = this.endpoints.find((x) => x.tenantId === tenantId && x.endpointId === endpointId);
    return e && { ...e };
  }

  async create(e: Endpoint): Promise<boolean> {
    if (await this.get(e.tenantId, e.endpointId)) return false;
    this.endpoints.push({ ...e });
    return true;
  }

  async modify(
    tenantId: string,
    endpointId: string,
    change: (e: Endpoint) => Promise<Endpoint>,
  ): Promise<Endpoint | undefined> {
    const i = this.endpoints.findIndex((x) => x.tenantId === tenantId && x.endpointId === endpointId);
    if (i < 0) return undefined;
    const next = await change({ ...this.endpoints[i]! });
    this.endpoints[i] = { ...next };
    return next;
  }

  async remove(tenantId: string, endpointId: string): Promise<boolean> {
    const i = this.endpoints.findIndex((x) => x.tenantId === tenantId && x.endpointId === endpointId);
    if (i >= 0) this.endpoints.splice(i, 1);
    return i >= 0;
  }
}

/** Deliveries in memory, with the claim's conditions (claim.ts) as the DynamoDB adapter applies them. */
export class FakeDeliveryStore implements DeliveryStore {
  readonly deliveries = new Map<string, Mutable<Delivery>>();
  readonly attempts: Attempt[] = [];
  /** Deliveries put in the sweep by `sweepAt`, with the time. */
  readonly swept = new Map<string, number>();
  /** Number of create calls that reached the store. */
  creates = 0;

  async createIfAbsent(deliveries: readonly Delivery[]): Promise<number> {
    return (await this.createOrFind(deliveries)).filter((d) => d.created).length;
  }

  async createOrFind(deliveries: readonly Delivery[]) {
    this.creates++;
    return deliveries.map((d) => {
      const found = this.deliveries.get(d.deliveryId);
      if (found) return { delivery: { ...found }, created: false };
      this.deliveries.set(d.deliveryId, { ...d });
      return { delivery: d, created: true };
    });
  }

  async sweepAt(deliveries: ReadonlyArray<Pick<Delivery, 'deliveryId'>>, at: number): Promise<void> {
    for (const d of deliveries) this.swept.set(d.deliveryId, at);
  }

  async claim(r: ClaimRequest): Promise<boolean> {
    const d = this.deliveries.get(r.deliveryId);
    if (!d || d.attemptCount !== r.expectedAttemptCount || (d.status !== 'pending' && d.status !== 'failed'))
      return false;
    if (r.stale ? d.claim?.token !== r.stale.token : d.claim !== undefined) return false;
    if (r.stale) this.apply(d, r.stale.attempt, r.stale.update);
    d.claim = r.claim;
    return true;
  }

  async recordAttempt(attempt: Attempt, update: DeliveryUpdate, claimToken: string): Promise<boolean> {
    const d = this.deliveries.get(attempt.deliveryId);
    if (!d || d.claim?.token !== claimToken) return false;
    this.apply(d, attempt, update);
    d.claim = undefined;
    return true;
  }

  private apply(d: Mutable<Delivery>, attempt: Attempt, update: DeliveryUpdate): void {
    this.attempts.push(structuredClone(attempt));
    Object.assign(d, {
      status: update.status,
      attemptCount: update.attemptCount,
      nextAttemptAt: update.nextAttemptAt,
      updatedAt: update.updatedAt,
    });
    if (update.probes !== undefined) Object.assign(d, { probes: update.probes });
  }

  async markSkipped(
    _tenantId: string,
    deliveryId: string,
    reason: string,
    nowMs: number,
    stale?: { readonly token: string; readonly attempt: Attempt },
  ): Promise<void> {
    const d = this.deliveries.get(deliveryId);
    if (!d || (d.status !== 'pending' && d.status !== 'failed')) return;
    if (stale ? d.claim?.token !== stale.token : d.claim !== undefined) return;
    if (stale) this.attempts.push(structuredClone(stale.attempt));
    Object.assign(d, {
      status: 'skipped',
      skipReason: reason,
      nextAttemptAt: undefined,
      updatedAt: nowMs,
      claim: undefined,
      ...(stale && { attemptCount: stale.attempt.number }),
    });
  }

  async markExhaustedNotified(_tenantId: string, deliveryId: string, nowMs: number): Promise<void> {
    const d = this.deliveries.get(deliveryId);
    if (d?.status === 'exhausted') Object.assign(d, { exhaustedNotifiedAt: nowMs });
  }
}

/** A reversible stand-in for KMS that, like KMS, refuses a ciphertext under another encryption context. */
export const fakeCipher: SecretCipher = {
  async encrypt(plaintext: string, context: SecretContext): Promise<string> {
    return `fake-kms:${context.tenantId}/${context.endpointId}:${Buffer.from(plaintext).toString('base64')}`;
  },
  async decrypt(ciphertext: string, context: SecretContext): Promise<string> {
    const prefix = `fake-kms:${context.tenantId}/${context.endpointId}:`;
    if (!ciphertext.startsWith(prefix)) throw new Error('InvalidCiphertextException');
    return Buffer.from(ciphertext.slice(prefix.length), 'base64').toString();
  },
};

export class FakeResolver implements Resolver {
  readonly lookups: string[] = [];
  constructor(readonly names: Record<string, readonly string[]> = {}) {}

  async resolve(hostname: string): Promise<readonly ResolvedAddress[]> {
    this.lookups.push(hostname);
    const addresses = this.names[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  }
}

/** Answers from a script (the last answer repeats) and keeps every request. */
export class FakeSender implements HttpSender {
  readonly requests: OutboundRequest[] = [];
  constructor(private readonly script: SendResult[] = [ok()]) {}

  async send(request: OutboundRequest): Promise<SendResult> {
    this.requests.push(request);
    return this.script.length > 1 ? this.script.shift()! : this.script[0]!;
  }
}

export function ok(status = 200, body = 'ok'): SendResult {
  return { kind: 'response', status, body, bodyTruncated: false, latencyMs: 42 };
}

export function recordingLog(): Log & { lines: Array<{ level: string; message: string; extra: unknown[] }> } {
  const lines: Array<{ level: string; message: string; extra: unknown[] }> = [];
  const at =
    (level: string) =>
    (message: string, ...extra: unknown[]) =>
      lines.push({ level, message, extra });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const NOW = Date.UTC(2026, 11, 2, 6, 0, 0);
export const TENANT = 'acme';
export const ENDPOINT_ID = 'ep_1';
export const RECEIVER_HOST = 'receiver.example';
export const RECEIVER_IP = '93.184.216.34';
export const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
export const PREVIOUS_SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
export const PAYLOAD = '{"invoice":"in_1","amount":12345678901234567890}';
/** The claim lease of the fixture's worker (deployed: 70 s). */
export const CLAIM_LEASE_MS = 70_000;

export function endpoint(overrides: Partial<Endpoint> = {}): Endpoint {
  const context = `${overrides.tenantId ?? TENANT}/${overrides.endpointId ?? ENDPOINT_ID}`;
  return {
    tenantId: TENANT,
    endpointId: ENDPOINT_ID,
    url: `https://${RECEIVER_HOST}/hooks`,
    description: '',
    filterTypes: ['invoice.*'],
    // A receiver credential, sealed as the API stores it (`fakeCipher`'s form, bound to the endpoint's ids).
    sealedHeaders: { 'x-tenant-token': `fake-kms:${context}:${Buffer.from('tok_receiver_auth').toString('base64')}` },
    signing: { scheme: 'standard-webhooks' },
    secrets: { current: `fake-kms:${TENANT}/${ENDPOINT_ID}:${Buffer.from(SECRET).toString('base64')}` },
    enabled: true,
    timeoutSeconds: 15,
    createdAt: NOW - 1000,
    updatedAt: NOW - 1000,
    ...overrides,
  };
}

export function message(overrides: Partial<MessageRecord> = {}): MessageRecord {
  return {
    tenantId: TENANT,
    id: 'msg_1',
    type: 'invoice.paid',
    payload: PAYLOAD,
    fingerprint: 'f',
    createdAt: NOW - 500,
    expiresAt: NOW + 30 * 86_400_000,
    ...overrides,
  };
}

export function delivery(overrides: Partial<Delivery> = {}): Delivery {
  return {
    tenantId: TENANT,
    deliveryId: deliveryIdFor(TENANT, 'msg_1', ENDPOINT_ID),
    messageId: 'msg_1',
    endpointId: ENDPOINT_ID,
    status: 'pending',
    attemptCount: 0,
    nextAttemptAt: NOW,
    createdAt: NOW - 400,
    updatedAt: NOW - 400,
    ...overrides,
  };
}

/** The fixture: one job and deps whose every port is a fake; `script` is what the receiver answers. */
export function deliveryFixture(
  options: {
    endpoint?: Partial<Endpoint>;
    delivery?: Partial<Delivery>;
    script?: SendResult[];
    names?: Record<string, readonly string[]>;
  } = {},
) {
  const ep = endpoint(options.endpoint);
  const job: DeliveryJob = { delivery: delivery(options.delivery), endpoint: ep, message: message() };
  const deliveries = new FakeDeliveryStore();
  deliveries.deliveries.set(job.delivery.deliveryId, { ...job.delivery });
  const endpoints = new FakeEndpointStore([{ ...ep }]);
  const sender = new FakeSender(options.script);
  const resolver = new FakeResolver(options.names ?? { [RECEIVER_HOST]: [RECEIVER_IP] });
  const log = recordingLog();
  let clock = NOW;
  let claims = 0;
  const deps: DeliverDeps = {
    resolver,
    sender,
    cipher: fakeCipher,
    deliveries,
    endpoints,
    ssrf: ssrfPolicy(),
    transform: createTransformer([]),
    now: () => clock,
    random: () => 0.5, // the middle of the jitter range: delays exactly as scheduled
    log,
    claimLeaseMs: CLAIM_LEASE_MS,
    newClaimToken: () => `claim_${++claims}`,
  };
  return { job, deps, deliveries, endpoints, sender, resolver, log, advance: (ms: number) => (clock += ms) };
}

/**
 * Claims attempt `a.number` of its delivery and records it, as a worker does (decision 0027): what a test that
 * sets up a delivery's history calls instead of `recordAttempt` alone. False when the claim or the record failed.
 */
export async function claimAndRecord(
  store: Pick<DeliveryStore, 'claim' | 'recordAttempt'>,
  a: Attempt,
  update: DeliveryUpdate,
  expectedAttemptCount = a.number - 1,
): Promise<boolean> {
  const token = `test_claim_${a.number}`;
  const claim = { attempt: a.number, token, at: a.at, until: a.at + CLAIM_LEASE_MS };
  const claimed = await store.claim(
    { tenantId: a.tenantId, deliveryId: a.deliveryId, expectedAttemptCount, claim },
    a.at,
  );
  return claimed && store.recordAttempt(a, update, token);
}
