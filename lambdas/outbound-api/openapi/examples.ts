/** Examples of the OpenAPI document (each checked against its schema by the contract test). */

const T0 = 1_780_000_000_000;

const endpoint = {
  tenantId: 'acme',
  endpointId: 'ep_1',
  url: 'https://billing.acme.example/webhooks',
  description: 'Billing',
  filterTypes: ['invoice.*'],
  headerNames: [],
  signing: { scheme: 'standard-webhooks' },
  enabled: true,
  timeoutSeconds: 15,
  createdAt: T0,
  updatedAt: T0,
};

const delivery = {
  tenantId: 'acme',
  deliveryId: 'dlv_Qm9vdHN0cmFw',
  messageId: 'msg_1',
  type: 'invoice.paid',
  endpointId: 'ep_1',
  status: 'delivered',
  attemptCount: 1,
  createdAt: T0,
  updatedAt: T0 + 120,
};

const window = { attempts: 120, successes: 118, successRate: 118 / 120, p50Ms: 84, p99Ms: 410 };
const bucket = (i: number, n: number) => ({
  at: T0 - (n - i) * 300_000,
  attempts: 10,
  successes: 10,
  successRate: 1,
  p50Ms: 80,
  p99Ms: 200,
});

const message = { tenantId: 'acme', id: 'msg_1', type: 'invoice.paid', createdAt: T0, expiresAt: T0 + 2_592_000_000 };

export const EXAMPLES = {
  message,
  messageDetail: {
    message: { ...message, fannedOutAt: T0 + 12, payload: '{"invoice":"in_1","amount":4200,"currency":"EUR"}' },
    deliveries: [delivery],
    complete: true,
  },
  recoveryRun: {
    recoveryId: 'rcv_1',
    kind: 'recover',
    tenantId: 'acme',
    endpointId: 'ep_1',
    since: T0 - 3_600_000,
    runs: 1,
    startedAt: T0,
    updatedAt: T0 + 900,
    finishedAt: T0 + 900,
    done: true,
    examined: 4,
    position: T0 - 60_000,
    queued: 3,
    alreadyQueued: 0,
    notRecoverable: 1,
  },
  endpoint,
  delivery,
  endpointCreate: { url: 'https://billing.acme.example/webhooks', description: 'Billing', filterTypes: ['invoice.*'] },
  endpointWithSecret: { endpoint, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
  rotated: {
    endpoint: { ...endpoint, previousSecretExpiresAt: T0 + 86_400_000 },
    secret: 'whsec_2n3aWd1bIQAM9lBf3Ua0ZCnOsv0pZ4rK',
  },
  messageBody: { type: 'invoice.paid', id: 'msg_1', payload: { invoice: 'in_1', amount: 4200, currency: 'EUR' } },
  messageAccepted: { status: 'accepted', id: 'msg_1', deliveries: 1, skipped: 0 },
  attempt: {
    tenantId: 'acme',
    deliveryId: 'dlv_Qm9vdHN0cmFw',
    endpointId: 'ep_1',
    messageId: 'msg_1',
    number: 1,
    at: T0 + 40,
    latencyMs: 84,
    status: 200,
    responseBody: '{"ok":true}',
  },
  status: {
    endpoint,
    status: {
      state: 'enabled',
      enabled: true,
      circuit: { phase: 'closed' },
      health: {},
      settings: {
        circuit: {
          consecutiveFailures: 5,
          failureRate: 0.5,
          windowSeconds: 60,
          minimumVolume: 20,
          coolDownSeconds: 30,
          maxCoolDownSeconds: 600,
          probeLeaseSeconds: 90,
        },
        health: { disableAfterDays: 5 },
      },
      lastHour: window,
      lastDay: window,
      deliveries: { pending: 0, parked: 0, failed: 1, exhausted: 0, skipped: 0, delivered: 119 },
      series: {
        lastHour: Array.from({ length: 12 }, (_, i) => bucket(i, 12)),
        lastDay: Array.from({ length: 24 }, (_, i) => ({ at: T0 - (24 - i) * 3_600_000, attempts: 0, successes: 0 })),
      },
    },
  },
  testEventSent: {
    message: { id: 'test_c2VuZA', type: 'invoice.paid' },
    delivery: { ...delivery, messageId: 'test_c2VuZA', status: 'pending', attemptCount: 0, nextAttemptAt: T0 },
  },
  portalSession: {
    url: 'https://api.example.com/portal#token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.c2ln',
    token: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.c2ln',
    tenant: 'acme',
    scope: 'write',
    expiresAt: '2026-05-28T21:46:40.000Z',
  },
  catalog: {
    validation: 'catalogued',
    eventTypes: [
      {
        name: 'invoice.paid',
        description: 'An invoice was paid in full.',
        schema: {
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          type: 'object',
          properties: { invoice: { type: 'string', minLength: 1 }, amount: { type: 'integer', minimum: 0 } },
          required: ['invoice', 'amount'],
        },
        example: { invoice: 'in_1', amount: 4200 },
      },
    ],
  },
} as const;
