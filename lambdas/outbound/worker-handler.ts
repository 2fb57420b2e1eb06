/** Delivery worker Lambda entry (SQS event source with ReportBatchItemFailures). */
import { randomBytes } from 'node:crypto';
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
  transform: createTransformer(transforms),
  random: Math.random,
  admission: { ...adapters.operations, newLeaseId: () => randomBytes(9).toString('base64url') },
});
