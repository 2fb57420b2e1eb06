/** Portal errors; each maps to a response through the one `toHttpResponse` (kernel/http.ts). */
import { WebhookError } from '../kernel/errors';

/** Why a token was refused: logged (never the token), and `expired` told apart so the portal can say so. */
export type SessionRefusal =
  | 'missing'
  | 'malformed'
  | 'unsupported_header'
  | 'bad_signature'
  | 'bad_claims'
  | 'expired';

/** No valid session: the portal asks for a new link. Every refusal but expiry reads the same to the caller. */
export class InvalidSessionError extends WebhookError {
  override readonly name = 'InvalidSessionError';
  readonly statusCode = 401;
  readonly code: 'invalid_session' | 'session_expired';
  override readonly headers: Readonly<Record<string, string>>;
  constructor(
    readonly reason: SessionRefusal,
    /** Which page's session: the portal's, or the operator console's. */
    readonly page: 'portal' | 'console' = 'portal',
  ) {
    super(
      reason === 'expired'
        ? `This ${page} session has expired: ask for a new link.`
        : `No valid ${page} session: open the ${page} from a new link.`,
    );
    this.code = reason === 'expired' ? 'session_expired' : 'invalid_session';
    this.headers = { 'www-authenticate': `Bearer realm="${page}", error="invalid_token"` };
  }
}

/** A write asked of a read-only session. */
export class ReadOnlySessionError extends WebhookError {
  override readonly name = 'ReadOnlySessionError';
  readonly statusCode = 403;
  readonly code = 'read_only_session';
  constructor(page: 'portal' | 'console' = 'portal') {
    super(`This ${page} session is read-only.`);
  }
}
