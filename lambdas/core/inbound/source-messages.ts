/**
 * What the runtime sources check says about each kind of bad field, shared by the schema
 * (source-schema.ts) and the hand check (runtime-config.ts) so both name a problem alike. A module of
 * its own so the hand check does not load, and thereby build, the schemas.
 */
import { SCHEME_NAMES } from '../signatures/index';

export const MESSAGES = {
  object: 'expected an object',
  sources: 'expected a non-empty array of sources',
  scheme: `expected one of ${SCHEME_NAMES.join(', ')}`,
  string: 'expected a string',
  nonEmptyString: 'expected a non-empty string',
  integer: 'expected an integer',
  positiveInteger: 'expected a positive integer',
  strings: 'expected an array of strings',
  locator: 'expected { header } or { bodyPath } with a non-empty string',
  unknownKey: 'unknown key',
} as const;
