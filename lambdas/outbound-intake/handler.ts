/** Intake queue Lambda entry: producers on AWS send messages with attributes `tenant`, `type` and `id`. */
import { composeOutbound } from '../wiring/outbound';
import { awsOutboundPorts } from '../wiring/outbound-aws';
import { outboundConfig } from '../wiring/outbound-env';
import { createQueueIntakeHandler, intakeRecord } from './create-handler';
import { flushingMetrics } from '../wiring/flush-metrics';

const ports = awsOutboundPorts(outboundConfig());
export const handler = flushingMetrics(
  createQueueIntakeHandler(composeOutbound(ports).intake, intakeRecord),
  ports.metrics,
);
