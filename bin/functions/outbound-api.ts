/**
 * Outbound API Lambda entry (`/v1/…` IAM-authorized, and the tenant portal's `/portal…`), with your event types
 * (config/event-types.ts) and the portal's front end bundled beside it.
 */
import { fileURLToPath } from 'node:url';
import { eventTypes } from '../../config/event-types';
import { createOutboundApiHandler } from '../../lambdas/outbound-api/create-handler';
import { composeOutbound } from '../../lambdas/wiring/outbound';
import { awsOutboundPorts, awsPortal } from '../../lambdas/wiring/outbound-aws';
import { outboundConfig, portalConfig } from '../../lambdas/wiring/outbound-env';

const bundleDir = fileURLToPath(new URL('.', import.meta.url));

export const handler = createOutboundApiHandler(
  composeOutbound(awsOutboundPorts(outboundConfig(), { eventTypes, portal: awsPortal(portalConfig(), bundleDir) })).api,
);
