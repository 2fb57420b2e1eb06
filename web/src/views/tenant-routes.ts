/** One tenant's pages, under `base` (`''` in the portal, `/t/<tenant>` in the console). */
import type { Scope } from '../api';
import type { Route } from '../router';
import { deliveriesView, deliveryView } from './deliveries';
import { endpointView } from './endpoint';
import { endpointsView, newEndpointView } from './endpoints';
import { eventTypesView } from './event-types';

export function tenantRoutes(scope: Scope, base: string): Route[] {
  return [
    { pattern: `${base}/endpoints`, view: (m) => endpointsView(m, scope, base) },
    { pattern: `${base}/endpoints/new`, view: (m) => newEndpointView(m, scope, base) },
    { pattern: `${base}/endpoints/:endpoint`, view: (m, at) => endpointView(m, scope, base, at.params.endpoint!) },
    { pattern: `${base}/deliveries`, view: (m, at) => deliveriesView(m, scope, base, at) },
    { pattern: `${base}/deliveries/:delivery`, view: (m, at) => deliveryView(m, scope, base, at.params.delivery!) },
    { pattern: `${base}/event-types`, view: (m) => eventTypesView(m, scope) },
  ];
}
