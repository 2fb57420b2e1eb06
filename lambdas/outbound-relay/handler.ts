/**
 * Relay Lambda entry: the stack's topic → an SQS queue (raw delivery) → outbound messages, per the relay rules
 * (config/relays.ts) the stack passes in the environment. Relayed events are the provider's, verified by its
 * signature: they are not checked against the event types catalog, which describes the platform's own messages.
 */
import { createQueueIntakeHandler, relayRecord } from '../outbound-intake/create-handler';
import { composeOutbound } from '../wiring/outbound';
import { awsOutboundPorts } from '../wiring/outbound-aws';
import { outboundConfig, relayRules } from '../wiring/outbound-env';

export const handler = createQueueIntakeHandler(
  composeOutbound(awsOutboundPorts(outboundConfig())).intake,
  relayRecord(relayRules()),
);
