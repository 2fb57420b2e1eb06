/**
 * In-memory recovery port (RecoveryStore, MessagePager and the run records) over a FakeDeliveryStore's deliveries,
 * with the DynamoDB adapter's conditional requeue, and the API deps the recovery routes use, wired to fakes.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Delivery, Endpoint, MessageRecord } from '../../lambdas/core/outbound/model';
import type { WakeUpQueue } from '../../lambdas/core/outbound/ports';
import type {
  DeliveryPage,
  RecoverableDelivery,
  RecoveryStore,
  RequeueRequest,
} from '../../lambdas/core/outbound/recovery/recover';
import type { MessagePager } from '../../lambdas/core/outbound/recovery/replay';
import type { RecoveryRun, RecoveryRunStore } from '../../lambdas/core/outbound/recovery/runs';
import type { Window } from '../../lambdas/core/outbound/recovery/window';
import type { RetentionSettings } from '../../lambdas/core/outbound/retention';
import { matchOutboundRoute } from '../../lambdas/outbound-api/routes';
import type { OutboundApiDeps } from '../../lambdas/outbound-api/create-handler';
import { endpoint, FakeDeliveryStore, NOW, recordingLog } from './outbound';

type Stored = RecoverableDelivery & { scheduleBase?: number };

export class FakeRecoveryStore implements RecoveryStore, MessagePager, RecoveryRunStore {
  readonly requeued: RequeueRequest[] = [];
  /** Every write of a run record, in order. */
  readonly runWrites: RecoveryRun[] = [];
  /** Throws (a Lambda timing out, a store outage) once this many requeues have applied. */
  failAfter = Infinity;

  constructor(
    readonly deliveries: FakeDeliveryStore,
    readonly messages: MessageRecord[] = [],
    readonly pageSize = 2,
  ) {}

  async listByEndpoint(tenantId: string, endpointId: string, w: Window, cursor?: string): Promise<DeliveryPage> {
    const all = [...this.deliveries.deliveries.values()].filter(
      (d) => d.tenantId === tenantId && d.endpointId === endpointId,
    );
    return this.page(all, w, cursor);
  }

  async listByTenant(tenantId: string, w: Window, cursor?: string) {
    return this.page(
      this.messages.filter((m) => m.tenantId === tenantId),
      w,
      cursor,
    );
  }

  async putRun(run: RecoveryRun): Promise<void> {
    this.runWrites.push({ ...run });
  }

  async getRun(tenantId: string, recoveryId: string): Promise<RecoveryRun | undefined> {
    return this.runWrites.findLast((r) => r.tenantId === tenantId && r.recoveryId === recoveryId);
  }

  async requeue(r: RequeueRequest): Promise<boolean> {
    if (this.requeued.length >= this.failAfter) throw new Error('Task timed out');
    const d = this.deliveries.deliveries.get(r.deliveryId) as Stored | undefined;
    if (
      !d ||
      d.tenantId !== r.tenantId ||
      d.status !== r.expectedStatus ||
      (d.recoveryIds ?? []).includes(r.recoveryId)
    )
      return false;
    Object.assign(d, {
      status: 'pending',
      nextAttemptAt: r.dueAt,
      skipReason: undefined,
      scheduleBase: d.attemptCount - (d.probes ?? 0),
      recoveryIds: [...(d.recoveryIds ?? []), r.recoveryId],
      updatedAt: r.nowMs,
    });
    this.requeued.push(r);
    return true;
  }

  private page<T extends { readonly createdAt: number }>(items: readonly T[], w: Window, cursor: string | undefined) {
    const inWindow = items
      .filter((x) => x.createdAt >= w.sinceMs && x.createdAt < w.untilMs)
      .sort((a, b) => a.createdAt - b.createdAt);
    const start = cursor === undefined ? 0 : Number(cursor);
    const end = start + this.pageSize;
    return {
      items: inWindow.slice(start, end).map((x) => ({ ...x })),
      ...(end < inWindow.length && { cursor: String(end) }),
    };
  }
}

/** A wake-up queue that keeps what it is sent, or refuses it. */
export function recordingWakeUps(): WakeUpQueue & {
  sent: Array<{ tenantId: string; deliveryId: string; delaySeconds: number }>;
  calls: string[][];
  fail: boolean;
} {
  const queue = {
    sent: [] as Array<{ tenantId: string; deliveryId: string; delaySeconds: number }>,
    /** The delivery ids of each send call. */
    calls: [] as string[][],
    fail: false,
    async send(list: Parameters<WakeUpQueue['send']>[0]) {
      if (queue.fail) throw Object.assign(new Error('queue down'), { name: 'ServiceUnavailable' });
      queue.sent.push(...list.map((w) => ({ ...w })));
      queue.calls.push(list.map((w) => w.deliveryId));
    },
  };
  return queue;
}

/**
 * The API deps the recovery routes read, on fakes: `endpoints` (ep_1 of acme, enabled unless told), the stored
 * `deliveries` and `messages`, a clock at NOW. Other routes are not served by these deps.
 */
export function recoveryApi(
  options: {
    endpoints?: Endpoint[];
    deliveries?: Delivery[];
    messages?: MessageRecord[];
    retention?: RetentionSettings;
  } = {},
) {
  const endpoints = options.endpoints ?? [endpoint()];
  const deliveries = new FakeDeliveryStore();
  for (const d of options.deliveries ?? []) deliveries.deliveries.set(d.deliveryId, { ...d });
  const recovery = new FakeRecoveryStore(deliveries, [...(options.messages ?? [])]);
  const wakeUps = recordingWakeUps();
  const log = recordingLog();
  const deps = {
    endpoints: {
      get: async (tenantId: string, endpointId: string) =>
        endpoints.find((e) => e.tenantId === tenantId && e.endpointId === endpointId),
      listByTenant: async (tenantId: string) => endpoints.filter((e) => e.tenantId === tenantId),
    },
    deliveries,
    recovery,
    wakeUps,
    now: () => NOW,
    log,
    ...(options.retention && { retention: options.retention }),
  } as unknown as OutboundApiDeps;
  return { deps, deliveries, recovery, wakeUps, log };
}

/** A POST as API Gateway hands it to the handler, routed by the one route list. */
export function apiPost(path: string, body: unknown): APIGatewayProxyEventV2 {
  const matched = matchOutboundRoute('POST', path);
  if (!matched) throw new Error(`no route for POST ${path}`);
  return {
    routeKey: matched.routeKey,
    rawPath: path,
    pathParameters: matched.pathParameters,
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}
