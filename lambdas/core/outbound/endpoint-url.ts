/** The URL field of an endpoint's input (model.ts): what is refused, and the form it is stored in. */
import * as z from 'zod/mini';

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * An endpoint URL, stored as the WHATWG URL parser writes it (`href`: scheme and host lower-cased, default port
 * dropped, IP literals in canonical form, the path percent-encoded), so what is shown is what is checked and sent.
 * The parser silently strips surrounding spaces and C0 controls and removes tab, CR and LF anywhere: the raw text
 * is refused when it has any, rather than stored as something other than what was typed.
 */
export const endpointUrl = z.pipe(
  z.string().check(
    z.maxLength(2048),
    z.refine(
      (value) => !CONTROL_CHARACTERS.test(value) && value.trim() === value,
      'must not contain control characters (CR, LF, NUL, tab) or surrounding spaces',
    ),
    z.refine((value) => {
      try {
        const url = new URL(value);
        return (
          (url.protocol === 'https:' || url.protocol === 'http:') &&
          url.username === '' &&
          url.password === '' &&
          url.hostname !== ''
        );
      } catch {
        return false;
      }
    }, 'must be an http or https URL without credentials'),
  ),
  z.transform((value) => new URL(value).href),
);
