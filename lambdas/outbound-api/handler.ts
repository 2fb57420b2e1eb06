/** Outbound API Lambda entry (`/v1/…`, IAM-authorized): config parsed and adapters built once per cold start. */
import { composeOutbound } from '../wiring/outbound';
import { awsOutboundPorts } from '../wiring/outbound-aws';
import { outboundConfig } from '../wiring/outbound-env';
import { createOutboundApiHandler } from './create-handler';
import { flushingMetrics } from '../wiring/flush-metrics';

const ports = awsOutboundPorts(outboundConfig());
export const handler = flushingMetrics(createOutboundApiHandler(composeOutbound(ports).api), ports.metrics);
