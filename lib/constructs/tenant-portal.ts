/**
 * The tenant portal on AWS: its routes on the stack's HTTP API, served by the outbound API function, and the
 * Secrets Manager secret its sessions are signed with (generated at deploy: its value is in no template or log).
 * The page, its assets and its API are routed without IAM: the page and assets hold no data, and the function
 * authorizes every portal API request by its session token alone (lambdas/outbound-api/portal.ts). The front end is
 * built into the function's asset (web/build.ts) and served by the function: see docs/decisions for why not
 * S3 and CloudFront.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ENV } from '../../lambdas/contract';
import type { PortalSettings } from '../../lambdas/core/portal/settings';
import { FUNCTION_ROUTES } from '../../lambdas/outbound-api/function-routes';
import type { WebhookFunction } from './webhook-function';

export interface TenantPortalProps {
  readonly httpApi: apigwv2.HttpApi;
  /** The outbound API function, which serves the portal. */
  readonly api: WebhookFunction;
  /** Its integration, shared with the `/v1` routes. */
  readonly integration: HttpLambdaIntegration;
  /** Which pages may frame the portal (config/portal.ts). */
  readonly settings: PortalSettings;
}

export class TenantPortal extends Construct {
  /** Portal sessions are signed with its value; put a new value to end every session (docs/portal.md). */
  public readonly signingKey: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: TenantPortalProps) {
    super(scope, id);
    this.signingKey = new secretsmanager.Secret(this, 'SigningKey', {
      description: 'Signs tenant portal sessions (HMAC-SHA256); a new value ends every session',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.signingKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'A new value ends every open portal session at once, so it is rotated on purpose (put-secret-value), not on a schedule; sessions last an hour by default.',
    });
    this.signingKey.grantRead(props.api.lambdaFunction);
    props.api.lambdaFunction.addEnvironment(ENV.portalSigningSecret, this.signingKey.secretArn);
    props.api.lambdaFunction.addEnvironment(ENV.portalSettings, JSON.stringify(props.settings));

    for (const { key } of FUNCTION_ROUTES.filter((r) => r.auth === 'none')) {
      const [method, path] = key.split(' ') as [keyof typeof apigwv2.HttpMethod, string];
      const [route] = props.httpApi.addRoutes({
        path,
        methods: [apigwv2.HttpMethod[method]],
        integration: props.integration,
        authorizer: new apigwv2.HttpNoneAuthorizer(),
      });
      Validations.of(route!).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Tenant portal route: its page and assets hold no data, and its API authorizes each request by the portal session token in the function.',
      });
    }
  }
}
