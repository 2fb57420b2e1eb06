/**
 * middy error boundary for the HTTP function: the one place a thrown error becomes a response.
 * 4xx (`WebhookError`) expose their JSON code; anything else is a generic 500, detail in the log only.
 */
import type { MiddlewareObj } from '@middy/core';
import { toHttpResponse, type HttpResponse } from '../core/kernel/http';
import type { Log } from '../core/kernel/log';

export function httpErrorBoundary(options: { readonly log: Log }): MiddlewareObj<unknown, HttpResponse> {
  return {
    name: 'httpErrorBoundary',
    onError: (request) => {
      request.response = toHttpResponse(request.error, options.log);
    },
  };
}
