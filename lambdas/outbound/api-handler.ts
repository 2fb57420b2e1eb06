/** Outbound API Lambda entry (`/v1/…`, IAM-authorized): config parsed and adapters built once per cold start. */
import { outboundAdapters } from './clients';
import { outboundConfig } from './config';
import { createOutboundApiHandler } from './create-api-handler';

export const handler = createOutboundApiHandler(outboundAdapters(outboundConfig()));
