/**
 * Tenant sources (docs/sources.md): their table (`TENANT_SOURCES_TABLE`), the KMS key their signing secrets are sealed with
 * (bound per source by the encryption context), and the `/v1/tenants/{tenant}/sources…` API (IAM-authorized, like
 * the rest of `/v1`) with its function. The verifier reads a source on a cache miss (`grantRead`).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ENV, TENANT_SOURCES_TABLE } from '../../lambdas/contract';
import { SOURCE_ROUTES } from '../../lambdas/sources-api/routes';
import { WebhookFunction, runtimeOf, type FunctionRuntimeProps } from './webhook-function';

export interface TenantSourcesProps extends FunctionRuntimeProps {
  /** @default true */
  readonly deletionProtection?: boolean;
}

export class TenantSources extends Construct {
  public readonly table: dynamodb.TableV2;
  public readonly secretsKey: kms.Key;
  public readonly api: WebhookFunction;

  constructor(scope: Construct, id: string, props: TenantSourcesProps) {
    super(scope, id);
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: TENANT_SOURCES_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TENANT_SOURCES_TABLE.sortKey, type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      deletionProtection: props.deletionProtection ?? true,
      // Tenants' sources are their configuration: never deleted with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.secretsKey = new kms.Key(this, 'SecretsKey', {
      description: 'Encrypts tenant sources signing secrets (encryption context: tenantId, sourceId)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.api = new WebhookFunction(this, 'Api', {
      entry: 'lambdas/sources-api/handler.ts',
      serviceName: 'webhook-sources-api',
      description: "Tenant sources API: create, list, update, rotate and delete tenants' webhook sources",
      timeout: Duration.seconds(29),
      ...runtimeOf(props),
      environment: {
        [ENV.tenantSourcesTable]: this.table.tableName,
        [ENV.tenantSourcesKeyId]: this.secretsKey.keyArn,
      },
    });
    iam.Grant.addToPrincipal({
      grantee: this.api.lambdaFunction,
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query'],
      resourceArns: [this.table.tableArn],
    });
    this.secretsKey.grant(this.api.lambdaFunction, 'kms:Encrypt', 'kms:Decrypt');
  }

  /** Adds the `/v1/tenants/{tenant}/sources…` routes, IAM-authorized, to the stack's HTTP API. */
  addRoutes(httpApi: apigw.HttpApi): void {
    const integration = new HttpLambdaIntegration('SourcesApi', this.api.lambdaFunction, {
      payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
    });
    const authorizer = new HttpIamAuthorizer();
    for (const key of SOURCE_ROUTES) {
      const [method, path] = key.split(' ') as [keyof typeof apigw.HttpMethod, string];
      httpApi.addRoutes({ path, methods: [apigw.HttpMethod[method]], integration, authorizer });
    }
  }

  /** The verifier's read of one source (GetItem) and the Decrypt of its secrets, nothing more. */
  grantRead(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: ['dynamodb:GetItem'], resourceArns: [this.table.tableArn] });
    this.secretsKey.grant(grantee, 'kms:Decrypt');
  }
}
