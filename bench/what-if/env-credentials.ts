/**
 * What-if for `bench:coldstart -- --what-if`: replaces the SDK's default credential chain with the
 * environment provider. On Lambda the chain always ends at the environment (the runtime sets
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN), so the SSO, STS, INI, process,
 * IMDS and container providers it bundles are never used there.
 */
export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';
