/**
 * `events query --athena`: the same SQL on the deployed archive, through the stack's Athena workgroup and Glue
 * database (stack outputs `ArchiveWorkGroup` and `ArchiveDatabase`). Uses your AWS credentials, as `aws` does.
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import type { QueryResult } from './archive-query';

export async function queryAthena(
  sql: string,
  target: { readonly workGroup: string; readonly database: string },
  client = new AthenaClient({}),
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<QueryResult> {
  const { QueryExecutionId } = await client.send(
    new StartQueryExecutionCommand({
      QueryString: sql,
      WorkGroup: target.workGroup,
      QueryExecutionContext: { Database: target.database },
    }),
  );
  for (let wait = 200; ; wait = Math.min(wait * 2, 2000)) {
    const { QueryExecution } = await client.send(new GetQueryExecutionCommand({ QueryExecutionId }));
    const state = QueryExecution?.Status?.State;
    if (state === 'SUCCEEDED') break;
    if (state === 'FAILED' || state === 'CANCELLED')
      throw new Error(`Athena: ${state}: ${QueryExecution?.Status?.StateChangeReason ?? 'no reason given'}`);
    await sleep(wait);
  }
  const rows: Array<Array<string | null>> = [];
  let columns: string[] = [];
  let token: string | undefined;
  let first = true;
  do {
    const page = await client.send(new GetQueryResultsCommand({ QueryExecutionId, NextToken: token }));
    columns = page.ResultSet?.ResultSetMetadata?.ColumnInfo?.map((c) => c.Name ?? '') ?? columns;
    const data = (page.ResultSet?.Rows ?? []).map((r) => (r.Data ?? []).map((d) => d.VarCharValue ?? null));
    // The first row of the first page repeats the column names.
    rows.push(...(first ? data.slice(1) : data));
    first = false;
    token = page.NextToken;
  } while (token);
  return { columns, rows };
}
