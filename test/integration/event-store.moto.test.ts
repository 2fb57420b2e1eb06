/** The event store's conditional writes against moto_server. */
import { eventStoreSuite } from './event-store-suite';

eventStoreSuite('moto');
