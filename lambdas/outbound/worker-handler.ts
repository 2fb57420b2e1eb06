/** Delivery worker Lambda entry (SQS event source with ReportBatchItemFailures). */
import { createTransformer } from '../core/outbound/transform';
import { outboundAdapters } from './clients';
import { outboundConfig } from './config';
import { createDeliveryWorker } from './create-worker-handler';
import { transforms } from './transforms';

export const handler = createDeliveryWorker({ ...outboundAdapters(outboundConfig()), transform: createTransformer(transforms), random: Math.random });
