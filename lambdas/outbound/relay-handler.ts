/** Relay Lambda entry: the stack's topic → an SQS queue (raw delivery) → outbound messages per config/outbound.ts. */
import { relays } from '../../config/outbound';
import { outboundAdapters } from './clients';
import { outboundConfig } from './config';
import { createQueueIntakeHandler, relayRecord } from './create-queue-intake-handler';

export const handler = createQueueIntakeHandler(outboundAdapters(outboundConfig()), relayRecord(relays));
