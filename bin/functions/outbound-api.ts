/**
 * Outbound API Lambda entry (`/v1/…` IAM-authorized, the tenant portal's `/portal…`, the operator console's
 * `/console…`), with your event types
 * (config/event-types.ts) and the portal's front end bundled beside it.
 */
import { fileURLToPath } from 'node:url';
import { eventTypes } from '../../config/event-types';
import { createOutboundApiHandler } from '../../lambdas/outbound-api/create-handler';
import { flushingMetrics } from '../../lambdas/wiring/flush-metrics';
import { composeOutbound } from '../../lambdas/wiring/outbound';
import { consoleConfig } from '../../lambdas/wiring/console-env';
import { awsConsole, awsOutboundPorts, awsPortal } from '../../lambdas/wiring/outbound-aws';
import { outboundConfig, portalConfig } from '../../lambdas/wiring/outbound-env';

const bundleDir = fileURLToPath(new URL('.', import.meta.url));

const ports = awsOutboundPorts(outboundConfig(), { eventTypes, portal: awsPortal(portalConfig(), bundleDir) });
const operatorConsole = consoleConfig();
const api = composeOutbound(ports).api;
export const handler = flushingMetrics(
  createOutboundApiHandler({ ...api, ...(operatorConsole && { console: awsConsole(operatorConsole, ports) }) }),
  ports.metrics,
);
