/**
 * What-if for `bench:coldstart` (decision 0028, tracing): the verifier as deployed, plus OpenTelemetry set up in the
 * function as the X-Ray-compatible pipeline needs it (a tracer provider with X-Ray ids, the X-Ray propagator, a
 * batching OTLP exporter) and a span around every AWS SDK call (a client middleware: the auto-instrumentation's
 * module patching does not reach a bundle). Bundled like the stack's functions; never deployed.
 */
import type { FinalizeRequestHandlerOptions, FinalizeRequestMiddleware, MetadataBearer } from '@smithy/types';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { AWSXRayIdGenerator } from '@opentelemetry/id-generator-aws-xray';
import { AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { deployedVerifier } from '../../lambdas/verifier/deployed';

const provider = new NodeTracerProvider({
  idGenerator: new AWSXRayIdGenerator(),
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
});
provider.register({ propagator: new AWSXRayPropagator() });
const tracer = trace.getTracer('webhook-verifier');

/** A span around each SDK call, its context propagated in the request's trace header. */
const spanMiddleware: FinalizeRequestMiddleware<object, MetadataBearer> = (next, ctx) => async (args) =>
  tracer.startActiveSpan(`${ctx.clientName}.${ctx.commandName}`, { kind: SpanKind.CLIENT }, async (span) => {
    propagation.inject(context.active(), (args.request as { headers: Record<string, string> }).headers);
    try {
      return await next(args);
    } finally {
      span.end();
    }
  });

function traced<C extends object>(client: C): C {
  (
    (client as unknown as { middlewareStack: { add: unknown } }).middlewareStack.add as (
      m: typeof spanMiddleware,
      o: FinalizeRequestHandlerOptions,
    ) => void
  )(spanMiddleware, { step: 'finalizeRequest', name: 'otelSpan' });
  return client;
}

export const handler = deployedVerifier(traced);
