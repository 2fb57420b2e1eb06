/** The logging port: Powertools Logger satisfies it; tests and the local stack pass their own. */
export interface Log {
  debug(message: string, ...extra: Array<Record<string, unknown>>): void;
  info(message: string, ...extra: Array<Record<string, unknown>>): void;
  warn(message: string, ...extra: Array<Record<string, unknown>>): void;
  error(message: string, ...extra: Array<Record<string, unknown>>): void;
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

/** The log with `fields` added to every line (a line's own fields win). */
export function withFields(log: Log, fields: Readonly<Record<string, unknown>>): Log {
  const line =
    (write: Log['info']) =>
    (message: string, ...extra: Array<Record<string, unknown>>) =>
      write(message, { ...fields, ...Object.assign({}, ...extra) });
  return { debug: line(log.debug), info: line(log.info), warn: line(log.warn), error: line(log.error) };
}
