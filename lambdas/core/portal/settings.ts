/**
 * The portal's settings (config/portal.ts): which pages may embed it (CSP `frame-ancestors`), and the response
 * headers every portal page and asset is served with, locally and deployed alike.
 */
import * as z from 'zod/mini';
import { ConfigError } from '../kernel/errors';
import { describeIssues } from '../kernel/issues';

/** A `frame-ancestors` source: `'self'`, `'none'`, or an http(s) origin (a `*.` host wildcard allowed). */
const ANCESTOR = /^(?:'self'|'none'|https?:\/\/(?:\*\.)?[A-Za-z0-9.-]+(?::\d{1,5})?)$/;

export const portalSettingsSchema = z.strictObject({
  /**
   * The pages allowed to show the portal in an iframe. `'self'` alone (the default) means only the stack's own pages;
   * add your app's origin (`https://app.example.com`) to embed it there.
   */
  frameAncestors: z._default(
    z
      .array(z.string().check(z.regex(ANCESTOR, "must be 'self', 'none' or an origin like https://app.example.com")))
      .check(z.minLength(1), z.maxLength(20)),
    ["'self'"],
  ),
});

export type PortalSettings = z.output<typeof portalSettingsSchema>;

export const DEFAULT_PORTAL_SETTINGS: PortalSettings = { frameAncestors: ["'self'"] };

/** Checks the settings where they are defined (config/portal.ts), naming a wrong field. */
export function definePortal(input: z.input<typeof portalSettingsSchema>): PortalSettings {
  const parsed = portalSettingsSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(`portal settings: ${describeIssues(parsed.error.issues)}`);
  if (parsed.data.frameAncestors.includes("'none'") && parsed.data.frameAncestors.length > 1)
    throw new ConfigError("portal settings: frameAncestors: 'none' cannot be combined with other sources");
  return parsed.data;
}

/**
 * The headers of a portal page: a Content-Security-Policy that runs only the stack's own script (no inline script,
 * no eval), talks only to its own origin and may be framed only by `frameAncestors`; no referrer, no MIME sniffing.
 */
export function pageHeaders(settings: PortalSettings): Record<string, string> {
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${settings.frameAncestors.join(' ')}`,
  ].join('; ');
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  };
}
