/** The endpoint routes of the outbound API (`/v1/tenants/{tenant}/endpoints…`): thin calls into the core. */
import { jsonResponse } from '../core/kernel/http';
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listEndpoints,
  rotateEndpointSecret,
  updateEndpoint,
} from '../core/outbound/endpoints/management';
import { endpointStatus } from '../core/outbound/endpoints/status-report';
import { runRecovery } from '../core/outbound/recovery/requests';
import type { RouteHandler } from './request';

export const create: RouteHandler = async (r, deps) =>
  jsonResponse(201, await createEndpoint(r.ids.tenant!, r.json(), deps));

export const list: RouteHandler = async (r, deps) =>
  jsonResponse(200, { endpoints: await listEndpoints(r.ids.tenant!, deps) });

export const show: RouteHandler = async (r, deps) =>
  jsonResponse(200, { endpoint: await getEndpoint(r.ids.tenant!, r.ids.endpoint!, deps) });

export const update: RouteHandler = async (r, deps) =>
  jsonResponse(200, { endpoint: await updateEndpoint(r.ids.tenant!, r.ids.endpoint!, r.json(), deps) });

export const remove: RouteHandler = async (r, deps) => {
  await deleteEndpoint(r.ids.tenant!, r.ids.endpoint!, deps);
  return jsonResponse(200, { deleted: r.ids.endpoint });
};

export const rotateSecret: RouteHandler = async (r, deps) =>
  jsonResponse(200, await rotateEndpointSecret(r.ids.tenant!, r.ids.endpoint!, deps));

export const status: RouteHandler = async (r, deps) =>
  jsonResponse(
    200,
    await endpointStatus(r.ids.tenant!, r.ids.endpoint!, {
      ...deps,
      store: deps.operations?.store,
      settings: deps.operations?.settings,
    }),
  );

export const recover: RouteHandler = async (r, deps) =>
  jsonResponse(202, await runRecovery(r.ids.tenant!, r.ids.endpoint!, r.text(), deps));
