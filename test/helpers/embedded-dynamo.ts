/** The local stack's embedded DynamoDB (dynalite) for one test file: started before its tests, stopped after. */
import { afterAll, beforeAll } from 'vitest';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../local/dynamo';

/** Call at the top level of a test file; the returned object reads the running server. */
export function useEmbeddedDynamo(): EmbeddedDynamo {
  let running: EmbeddedDynamo | undefined;
  beforeAll(async () => {
    running = await startEmbeddedDynamo();
  });
  afterAll(async () => {
    await running?.stop();
  });
  const current = (): EmbeddedDynamo => {
    if (!running) throw new Error("the embedded DynamoDB runs only while the file's tests do");
    return running;
  };
  return {
    get endpoint() {
      return current().endpoint;
    },
    get client() {
      return current().client;
    },
    get tableName() {
      return current().tableName;
    },
    stop: () => current().stop(),
  };
}
