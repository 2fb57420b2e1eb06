/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles (an esbuild alias in
 * `LAMBDA_BUNDLING`). On Lambda the default chain always ends at the environment — the runtime sets
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN — so the SSO, STS, INI, process,
 * IMDS and container providers it would bundle are dead weight in the bundle and the cold start (measured in bench/README.md).
 * Tests and the local stack are not bundled and keep the full chain.
 */
export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';
