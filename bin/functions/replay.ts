/** Replay function entry: your routes (config/routes.ts) bound to the deployed replay, so a replay runs your fixed handlers. */
import { routes } from '../../config/routes';
import { deployedReplay } from '../../lambdas/replay/deployed';

export const handler = deployedReplay(routes);
