/**
 * Intake queue Lambda entry: producers on AWS send messages with attributes `tenant`, `type` and `id`; payloads of
 * catalogued types are checked against your event types (config/event-types.ts), as the API checks them.
 */
import { eventTypes } from '../../config/event-types';
import { createQueueIntakeHandler, intakeRecord } from '../../lambdas/outbound-intake/create-handler';
import { composeOutbound } from '../../lambdas/wiring/outbound';
import { awsOutboundPorts } from '../../lambdas/wiring/outbound-aws';
import { outboundConfig } from '../../lambdas/wiring/outbound-env';

export const handler = createQueueIntakeHandler(
  composeOutbound(awsOutboundPorts(outboundConfig(), { eventTypes })).intake,
  intakeRecord,
);
