/**
 * The public edge: an API Gateway HTTP API (payload format 2.0) with `POST /webhooks/{source}`, tenant sources'
 * `/webhooks/t/{tenant}/{source}/{token}` and `GET /health`, all served by the verifier, a throttled default stage
 * and JSON access logs.
 */
import { Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { TENANT_WEBHOOK_PATH } from '../../lambdas/contract';

/**
 * One JSON line per request: who, which route, outcome and timing. Deliberately no headers, query
 * or body: those carry signatures and payloads that do not belong in logs.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  latency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  responseLength: '$context.responseLength',
  integrationError: '$context.integrationErrorMessage',
} as const;

export interface WebhookApiProps {
  /** The verifier: receives every webhook delivery and answers the health check. */
  readonly handler: lambda.IFunction;
  /** Steady-state requests per second across the stage. @default 1000 */
  readonly throttlingRateLimit?: number;
  /** Burst capacity across the stage. @default 500 */
  readonly throttlingBurstLimit?: number;
  /** Retention of the access log group. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Sources whose provider checks the URL with a GET before it delivers (Meta's subscription
   * check): each gets `GET /webhooks/<id>`. No other source answers GET. @default []
   */
  readonly subscriptionSources?: readonly string[];
  /**
   * Tenant sources: `POST` (and `GET`, for Meta's check) `/webhooks/t/{tenant}/{source}/{token}`, served by the
   * verifier too. @default false
   */
  readonly tenantSources?: boolean;
}

export class WebhookApi extends Construct {
  public readonly httpApi: apigwv2.HttpApi;
  /** The `$default` stage: throttled, access-logged, auto-deployed. */
  public readonly stage: apigwv2.HttpStage;
  public readonly accessLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'Webhook ingestion: POST /webhooks/{source}',
      // Our own stage below, so throttling and access logs are set on the stage that serves traffic.
      createDefaultStage: false,
    });

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      // The stage throttle is the function's only guard: no reserved concurrency, so bursts within
      // these limits are never rejected by Lambda while the account has concurrency to spare.
      throttle: { rateLimit: props.throttlingRateLimit ?? 1000, burstLimit: props.throttlingBurstLimit ?? 500 },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    const integration = new HttpLambdaIntegration('Verifier', props.handler, {
      payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
    });
    const webhookRoutes = this.httpApi.addRoutes({
      path: '/webhooks/{source}',
      methods: [apigwv2.HttpMethod.POST],
      integration,
    });
    const healthRoutes = this.httpApi.addRoutes({ path: '/health', methods: [apigwv2.HttpMethod.GET], integration });
    if (props.tenantSources)
      webhookRoutes.push(
        ...this.httpApi.addRoutes({
          path: TENANT_WEBHOOK_PATH,
          // GET for a tenant source whose provider checks the URL (Meta); any other answers it 404.
          methods: [apigwv2.HttpMethod.POST, apigwv2.HttpMethod.GET],
          integration,
        }),
      );
    for (const source of props.subscriptionSources ?? []) {
      webhookRoutes.push(
        ...this.httpApi.addRoutes({ path: `/webhooks/${source}`, methods: [apigwv2.HttpMethod.GET], integration }),
      );
    }

    for (const route of webhookRoutes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Webhook providers cannot present IAM, JWT or Cognito credentials; each delivery is authenticated by its HMAC signature, checked by the verifier before anything is stored or queued (a GET subscription check by the verify token, compared in constant time).',
      });
    }
    for (const route of healthRoutes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'The health check is public by design so load balancers and uptime monitors can call it; it returns a constant body and touches no data.',
      });
    }
  }

  /** The stage's base URL, ending in `/`. */
  get url(): string {
    return this.stage.url;
  }

  /** The URL a provider is configured to deliver to for a source. */
  webhookUrl(sourceId: string): string {
    return `${this.stage.url}webhooks/${sourceId}`;
  }
}
