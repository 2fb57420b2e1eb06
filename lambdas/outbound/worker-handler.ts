/** Delivery worker Lambda entry (SQS event source with ReportBatchItemFailures). */
import { randomBytes } from 'node:crypto';
import { CombiningStateStore } from '../core/outbound/combining-state-store';
import { CachingSecretCipher } from '../core/outbound/secret-cache';
import { createTransformer } from '../core/outbound/transform';
import { emfMetrics } from '../adapters/emf-metrics';
import { outboundAdapters } from './clients';
import { outboundConfig } from './config';
import { createDeliveryWorker } from './create-worker-handler';
import { transforms } from './transforms';

const config = outboundConfig();
const adapters = outboundAdapters(config);
export const handler = createDeliveryWorker({
  ...adapters,
  metrics: emfMetrics(config.tableName),
  // Decrypted endpoint secrets kept for 5 minutes in this container, not one KMS Decrypt per attempt (decision 0013).
  cipher: new CachingSecretCipher(adapters.cipher),
  transform: createTransformer(transforms),
  random: Math.random,
  // Concurrent updates of one endpoint's state in this container are committed together (one read, one write).
  admission: {
    ...adapters.operations,
    store: new CombiningStateStore(adapters.operations.store),
    newLeaseId: () => randomBytes(9).toString('base64url'),
  },
});
