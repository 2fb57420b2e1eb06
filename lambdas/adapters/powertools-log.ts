/**
 * The Log port on Powertools Logger. Powertools reads process.env (the X-Ray trace id, the log
 * level store) on every call, even for a level it then drops: a couple of microseconds per
 * suppressed DEBUG line on the verifier's hot path. Below-threshold DEBUG calls are dropped here,
 * decided once at cold start (the level comes from the environment, fixed for the function's life;
 * Powertools' per-invocation debug sampling is therefore not honoured for these lines).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../core/log';

const DEBUG_LEVELS = new Set(['TRACE', 'DEBUG']);

export function powertoolsLog(logger: Logger): Log {
  const debug = DEBUG_LEVELS.has(logger.getLevelName()) ? logger.debug.bind(logger) : () => {};
  return { debug, info: logger.info.bind(logger), warn: logger.warn.bind(logger), error: logger.error.bind(logger) };
}
