/** The API's answers as the front end reads them: the server's own types (type-only imports, erased when bundled). */
export type { EndpointView } from '../../lambdas/core/outbound/endpoints/management';
export type { EndpointStatus } from '../../lambdas/core/outbound/endpoints/status-report';
export type { Attempt, Delivery } from '../../lambdas/core/outbound/model';
export type { EventTypeView } from '../../lambdas/core/outbound/event-types';
export type { PortalSessionView } from '../../lambdas/core/portal/sessions';
