/** Sweeper Lambda entry, invoked every minute by a schedule (decision 0007). */
import { emfMetrics } from '../adapters/emf-metrics';
import { outboundAdapters } from './clients';
import { outboundConfig } from './config';
import { createSweeper } from './create-sweeper-handler';

const config = outboundConfig();
const adapters = outboundAdapters(config);
export const handler = createSweeper({
  due: adapters.deliveries,
  wakeUps: adapters.wakeUps,
  now: adapters.now,
  log: adapters.log,
  metrics: emfMetrics(config.tableName),
});
