/**
 * The `Log` port for the local stack: one compact line per entry on stderr, at or above a level
 * (`LOG_LEVEL`, default `warn`, so the console shows the event lines, not the core's chatter).
 * The core only ever logs ids, codes and error messages; nothing here adds a payload or a header.
 */
import type { Log } from '../lambdas/core/kernel/log';

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LEVELS)[number];

export function parseLogLevel(value: string | undefined, fallback: LogLevel = 'warn'): LogLevel {
  const v = (value ?? '').toLowerCase();
  return (LEVELS as readonly string[]).includes(v) ? (v as LogLevel) : fallback;
}

export function consoleLog(
  component: string,
  level: LogLevel,
  write: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Log {
  const min = LEVELS.indexOf(level);
  const at = (l: Exclude<LogLevel, 'silent'>) =>
    LEVELS.indexOf(l) < min
      ? () => undefined
      : (message: string, ...extra: Array<Record<string, unknown>>) => {
          const fields = Object.assign({}, ...extra) as Record<string, unknown>;
          const detail = Object.entries(fields)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
            .join(' ');
          write(`${l.toUpperCase().padEnd(5)} [${component}] ${message}${detail ? `  ${detail}` : ''}`);
        };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
