/** The tenant sources' adapter on the local stack's embedded DynamoDB (dynalite), as `npm start` runs it. */
import { useEmbeddedDynamo } from '../helpers/embedded-dynamo';
import { tenantSourcesSuite } from './tenant-sources-suite';

const dynamo = useEmbeddedDynamo();
tenantSourcesSuite('dynalite', () => dynamo.client);
