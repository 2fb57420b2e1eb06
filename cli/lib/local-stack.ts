/**
 * How the CLI finds the local stack: the running `npm start` (its `stack.json`), or, when none is
 * running, its data on disk (opened with an embedded DynamoDB for as long as the command runs).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localSources, type LocalSource } from '../../config/local';
import { localDynamoClient, startEmbeddedDynamo, LOCAL_TABLE_NAME } from '../../local/dynamo';
import { resolveSecrets } from '../../local/secrets';
import { DEFAULT_DATA_DIR, readStackState, type StackState } from '../../local/state-file';
import { CommandError, UsageError } from '../command';

/** `--data-dir` as every command's usage describes it. */
export const DATA_DIR_USAGE = `  --data-dir DIR  the local stack's data directory (default: $LOCAL_DATA_DIR, else ${DEFAULT_DATA_DIR})`;

export function dataDirFrom(option: string | undefined): string {
  return resolve(option ?? process.env.LOCAL_DATA_DIR ?? DEFAULT_DATA_DIR);
}

/** The running local stack on this data directory, if any. */
export function runningStack(dataDir: string): StackState | undefined {
  return readStackState(dataDir);
}

/** Where the CLI finds the stack without `--url`, as usage texts say it (defaultBaseUrl). */
export const DEFAULT_STACK_URL_USAGE = 'the running `npm start` on --data-dir, else http://127.0.0.1:$PORT (3000)';

/** The default target: the running stack's URL, else http://127.0.0.1:$PORT (3000). */
export function defaultBaseUrl(dataDir: string): string {
  return runningStack(dataDir)?.url ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
}

export function findLocalSource(id: string): LocalSource {
  const found = localSources.find((s) => s.source.id === id);
  if (!found)
    throw new UsageError(`Unknown source "${id}". Local sources: ${localSources.map((s) => s.source.id).join(', ')}`);
  return found;
}

/** The secret `send` signs with: --secret, else WEBHOOK_SECRET_<ID>, else the local default. */
export function signingSecret(local: LocalSource, override: string | undefined): string {
  if (override !== undefined) return override;
  const [current] = resolveSecrets(local.source.id, local.secret, process.env);
  if (current === undefined) throw new UsageError(`No secret for ${local.source.id}`);
  return current;
}

export interface StoreAccess {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Whether the stack is running (else the data was opened from disk). */
  readonly live: boolean;
  close(): Promise<void>;
}

/** Opens the local event store: through the running stack, or from disk. */
export async function openLocalStore(dataDir: string): Promise<StoreAccess> {
  const state = runningStack(dataDir);
  if (state) {
    const client = localDynamoClient(state.dynamoEndpoint);
    return { client, tableName: state.tableName, live: true, close: async () => client.destroy() };
  }
  const path = join(dataDir, 'dynamodb');
  if (!existsSync(path))
    throw new CommandError(
      'no_local_data',
      `No local data in ${dataDir}: start the stack with \`npm start\` and send an event first.`,
    );
  const dynamo = await startEmbeddedDynamo({ path, tableName: LOCAL_TABLE_NAME });
  return { client: dynamo.client, tableName: dynamo.tableName, live: false, close: () => dynamo.stop() };
}
