/**
 * Every route the outbound API function answers, with how API Gateway authorizes it: the `/v1` routes with IAM,
 * the portal's and the operator console's without (their pages and assets hold no data; their APIs check the session
 * token themselves; the console's session is minted by an IAM-signed `/v1` route). Read by the
 * CDK construct (its routes), the local API server (its routing) and the OpenAPI contract test.
 */
import { CONSOLE_API_ROUTES, CONSOLE_PAGE_ROUTE, CONSOLE_SESSION_ROUTE } from './console-access';
import { PORTAL_API_ROUTES } from './portal-access';
import { PORTAL_PAGE_ROUTES } from './portal';
import { routeMatcher } from '../core/kernel/routes';
import { OUTBOUND_ROUTES } from './routes';

export interface FunctionRoute {
  readonly key: string;
  readonly auth: 'iam' | 'none';
}

export const FUNCTION_ROUTES: readonly FunctionRoute[] = [
  ...[...OUTBOUND_ROUTES, CONSOLE_SESSION_ROUTE].map((key) => ({ key, auth: 'iam' as const })),
  ...[...PORTAL_API_ROUTES, ...PORTAL_PAGE_ROUTES, ...CONSOLE_API_ROUTES, CONSOLE_PAGE_ROUTE].map((key) => ({
    key,
    auth: 'none' as const,
  })),
];

/** The function's route for a request, with its path parameters; undefined: 404 (API Gateway's own). */
export const matchFunctionRoute = routeMatcher(FUNCTION_ROUTES.map((r) => r.key));
