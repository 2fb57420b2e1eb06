/** Intake queue Lambda entry: producers on AWS send messages with attributes `tenant`, `type` and `id`. */
import { composeOutbound } from '../wiring/outbound';
import { awsOutboundPorts } from '../wiring/outbound-aws';
import { outboundConfig } from '../wiring/outbound-env';
import { createQueueIntakeHandler, intakeRecord } from './create-handler';

export const handler = createQueueIntakeHandler(
  composeOutbound(awsOutboundPorts(outboundConfig())).intake,
  intakeRecord,
);
