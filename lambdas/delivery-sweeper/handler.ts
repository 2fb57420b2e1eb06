/** Sweeper Lambda entry, invoked every minute by a schedule (decision 0007). */
import { composeOutbound } from '../wiring/outbound';
import { awsOutboundPorts } from '../wiring/outbound-aws';
import { outboundConfig } from '../wiring/outbound-env';
import { createSweeper } from './create-handler';

export const handler = createSweeper(composeOutbound(awsOutboundPorts(outboundConfig())).sweeper);
