/**
 * YOUR TENANT PORTAL SETTINGS. The portal (`/portal`, entered through a link from
 * `POST /v1/tenants/{tenant}/portal-sessions` or `npm run cli -- portal open --tenant T`) may be shown in an iframe
 * only by the pages listed in `frameAncestors` (the CSP `frame-ancestors` directive): add your app's origin to embed
 * it, e.g. `["'self'", 'https://app.example.com']`.
 */
import { definePortal } from '../lambdas/core/portal/settings';

export const portal = definePortal({
  frameAncestors: ["'self'"],
});
