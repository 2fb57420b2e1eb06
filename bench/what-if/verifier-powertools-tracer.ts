/**
 * What-if for `bench:coldstart` (decision 0028, tracing): the verifier as deployed plus Powertools Tracer (the X-Ray
 * SDK) capturing its AWS clients, as Powertools' docs show. Bundled like the stack's functions; never deployed.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';
import { deployedVerifier } from '../../lambdas/verifier/deployed';

const tracer = new Tracer();

export const handler = deployedVerifier((client) => tracer.captureAWSv3Client(client));
