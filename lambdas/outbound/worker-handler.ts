/** Delivery worker Lambda entry (SQS event source with ReportBatchItemFailures). */
import { randomBytes } from 'node:crypto';
import { CachingSecretCipher } from '../core/outbound/secret-cache';
import { createTransformer } from '../core/outbound/transform';
import { outboundAdapters } from './clients';
import { outboundConfig } from './config';
import { createDeliveryWorker } from './create-worker-handler';
import { transforms } from './transforms';

const adapters = outboundAdapters(outboundConfig());
export const handler = createDeliveryWorker({
  ...adapters,
  // Decrypted endpoint secrets kept for 5 minutes in this container, not one KMS Decrypt per attempt (decision 0013).
  cipher: new CachingSecretCipher(adapters.cipher),
  transform: createTransformer(transforms),
  random: Math.random,
  admission: { ...adapters.operations, newLeaseId: () => randomBytes(9).toString('base64url') },
});
