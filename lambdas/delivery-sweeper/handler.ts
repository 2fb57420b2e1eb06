/** Sweeper Lambda entry, invoked every minute by a schedule (decision 0007). */
import { composeOutbound } from '../wiring/outbound';
import { awsOutboundPorts } from '../wiring/outbound-aws';
import { outboundConfig } from '../wiring/outbound-env';
import { createSweeper } from './create-handler';
import { flushingMetrics } from '../wiring/flush-metrics';

const ports = awsOutboundPorts(outboundConfig());
export const handler = flushingMetrics(createSweeper(composeOutbound(ports).sweeper), ports.metrics);
