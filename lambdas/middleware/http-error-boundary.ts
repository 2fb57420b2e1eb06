/**
 * middy error boundary for the HTTP function: the one place a thrown error becomes a response.
 * 4xx (`WebhookError`) expose their JSON code; anything else is a generic 500, detail in the log only.
 */
import type { MiddlewareObj } from '@middy/core';
import { toHttpResponse, type HttpResponse } from '../core/kernel/http';
import { withFields, type Log } from '../core/kernel/log';

export function httpErrorBoundary<E = unknown>(options: {
  readonly log: Log;
  /** What the error's log line should also name about the request (its source, API Gateway's request id). */
  readonly fields?: (event: E) => Readonly<Record<string, unknown>>;
}): MiddlewareObj<E, HttpResponse> {
  return {
    name: 'httpErrorBoundary',
    onError: (request) => {
      const log = options.fields ? withFields(options.log, options.fields(request.event)) : options.log;
      request.response = toHttpResponse(request.error, log);
    },
  };
}
