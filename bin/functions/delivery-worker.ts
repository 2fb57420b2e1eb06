/** Delivery worker Lambda entry (SQS event source with ReportBatchItemFailures), with your transforms (config/transforms.ts). */
import { transforms } from '../../config/transforms';
import { createDeliveryWorker } from '../../lambdas/delivery-worker/create-handler';
import { composeOutbound } from '../../lambdas/wiring/outbound';
import { awsOutboundPorts } from '../../lambdas/wiring/outbound-aws';
import { outboundConfig } from '../../lambdas/wiring/outbound-env';
import { flushingMetrics } from '../../lambdas/wiring/flush-metrics';

const ports = awsOutboundPorts(outboundConfig(), { transforms });
export const handler = flushingMetrics(createDeliveryWorker(composeOutbound(ports).worker()), ports.metrics);
