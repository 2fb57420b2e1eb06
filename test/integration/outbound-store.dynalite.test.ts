/** The outbound stores (and the endpoint state store) on the local stack's embedded DynamoDB (dynalite), as `npm start` runs them. */
import { outboundStoreSuite } from './outbound-store-suite';
import { outboundRecoverySuite } from './outbound-recovery-suite';
import { outboundListsSuite } from './outbound-lists-suite';
import { endpointStateSuite } from './endpoint-state-suite';
import { endpointIndexSuite } from './endpoint-index-suite';
import { dropOutboundTable } from '../helpers/outbound-table';
import { useEmbeddedDynamo } from '../helpers/embedded-dynamo';

const dynamo = useEmbeddedDynamo();

const dropTable = () => dropOutboundTable(dynamo.client, 'outbound');
outboundStoreSuite('dynalite', () => dynamo.client, dropTable);
endpointStateSuite('dynalite', () => dynamo.client, dropTable);
endpointIndexSuite('dynalite', () => dynamo.client, dropTable);
outboundRecoverySuite('dynalite', () => dynamo.client, dropTable);
outboundListsSuite('dynalite', () => dynamo.client, dropTable);
