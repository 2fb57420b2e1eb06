/**
 * The Log port on Powertools Logger. Powertools reads process.env (the X-Ray trace id, the log
 * level store) on every call, even for a level it then drops: a couple of microseconds per
 * suppressed DEBUG line on the verifier's hot path (see bench/README.md).
 * Below-threshold DEBUG calls are dropped here, decided once when the port is built, after the
 * Logger: the level comes from the environment, and debug sampling (POWERTOOLS_LOGGER_SAMPLE_RATE)
 * is decided by Powertools when the Logger is constructed, so a sampled execution environment logs
 * DEBUG. Re-sampling on every invocation is something only Powertools' `injectLambdaContext`
 * middleware does; the handlers do not use it, so there is nothing per invocation to follow.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../core/kernel/log';

const DEBUG_LEVELS = new Set(['TRACE', 'DEBUG']);

export function powertoolsLog(logger: Logger): Log {
  const debug = DEBUG_LEVELS.has(logger.getLevelName()) ? logger.debug.bind(logger) : () => {};
  return { debug, info: logger.info.bind(logger), warn: logger.warn.bind(logger), error: logger.error.bind(logger) };
}
