/** The event store's conditional writes against DynamoDB Local, AWS's own emulator. */
import { eventStoreSuite } from './event-store-suite';

eventStoreSuite('dynamodb-local');
