/** Processor Lambda entry: your routes (config/routes.ts) bound to the deployed processor. */
import { routes } from '../../config/routes';
import { deployedProcessor } from '../../lambdas/processor/deployed';

export const handler = deployedProcessor(routes);
