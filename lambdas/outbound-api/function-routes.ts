/**
 * Every route the outbound API function answers, with how API Gateway authorizes it: the `/v1` routes with IAM,
 * the portal's without (its page and assets hold no data; its API checks the session token itself). Read by the
 * CDK construct (its routes), the local API server (its routing) and the OpenAPI contract test.
 */
import { PORTAL_API_ROUTES } from './portal-access';
import { PORTAL_PAGE_ROUTES } from './portal';
import { routeMatcher } from '../core/kernel/routes';
import { OUTBOUND_ROUTES } from './routes';

export interface FunctionRoute {
  readonly key: string;
  readonly auth: 'iam' | 'none';
}

export const FUNCTION_ROUTES: readonly FunctionRoute[] = [
  ...OUTBOUND_ROUTES.map((key) => ({ key, auth: 'iam' as const })),
  ...[...PORTAL_API_ROUTES, ...PORTAL_PAGE_ROUTES].map((key) => ({ key, auth: 'none' as const })),
];

/** The function's route for a request, with its path parameters; undefined: 404 (API Gateway's own). */
export const matchFunctionRoute = routeMatcher(FUNCTION_ROUTES.map((r) => r.key));
