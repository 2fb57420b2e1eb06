/**
 * The named queries the stack creates in the archive's Athena workgroup. Plain SQL over the `events` table: the
 * same text runs locally with `npm run cli -- events query` (DuckDB). Edit the source, day and id in the console.
 */
export interface NamedQuery {
  readonly description: string;
  readonly sql: string;
}

export function namedQueries(exampleSource: string): Record<string, NamedQuery> {
  return {
    'events-by-type': {
      description: 'Events received per type over a window of days',
      sql: `SELECT type, count(DISTINCT id) AS events FROM events WHERE source = '${exampleSource}' AND day BETWEEN '2026-12-01' AND '2026-12-07' GROUP BY 1 ORDER BY 2 DESC`,
    },
    'event-by-id': {
      description: 'Every archived attempt of one event: status, error, headers and body',
      sql: `SELECT day, received_at, attempt, status, error, headers, body, body_ref FROM events WHERE source = '${exampleSource}' AND id = 'evt_123' ORDER BY archived_at`,
    },
    'failed-in-window': {
      description: 'Events whose latest archived attempt failed, in a window of receive times',
      sql:
        `SELECT id, type, received_at, max_by(error, archived_at) AS error FROM events WHERE source = '${exampleSource}' ` +
        `AND day BETWEEN '2026-12-01' AND '2026-12-07' AND received_at >= '2026-12-01T00:00:00' ` +
        `GROUP BY id, type, received_at HAVING max_by(status, archived_at) = 'failed' ORDER BY received_at`,
    },
  };
}
