/** Intake queue Lambda entry: producers on AWS send messages with attributes `tenant`, `type` and `id`. */
import { outboundAdapters } from './clients';
import { outboundConfig } from './config';
import { createQueueIntakeHandler, intakeRecord } from './create-queue-intake-handler';

export const handler = createQueueIntakeHandler(outboundAdapters(outboundConfig()), intakeRecord);
