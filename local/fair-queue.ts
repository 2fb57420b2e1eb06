/**
 * SQS fair queues, as the local queue models them (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/
 * SQSDeveloperGuide/sqs-fair-queues.html): a standard queue whose messages carry a MessageGroupId, the tenant.
 * - A tenant is a noisy neighbour when its in-flight messages are more than `shareThreshold` (10 %) of the queue's
 *   and at least `minInFlight` (30) of them.
 * - While any quiet tenant's message waits, a receive returns those first; a noisy tenant's messages are not dropped
 *   or throttled, only passed over. With several noisy tenants, the one with the fewest in flight goes first.
 * - A message without a group is a tenant of its own.
 * Not modelled: SQS's second signal (a tenant's share of recent processing time), and its thresholds being
 * approximate. Within one receive, each message taken counts as in flight for the next choice.
 */
import type { FairSettings, StoredMessage } from './queue-message';

/** The thresholds the SQS documentation gives. */
export const SQS_FAIR_QUEUES: FairSettings = { shareThreshold: 0.1, minInFlight: 30 };

/**
 * Up to `max` of the visible messages (oldest first) in the order a fair queue hands them out, given how many
 * messages of each group are in flight.
 */
export function pickFair(
  visible: Iterable<StoredMessage>,
  inFlightByGroup: Map<string, number>,
  max: number,
  settings: FairSettings,
): StoredMessage[] {
  let total = [...inFlightByGroup.values()].reduce((a, b) => a + b, 0);
  const count = (g: string) => inFlightByGroup.get(g) ?? 0;
  const noisy = (g: string | undefined) =>
    g !== undefined && count(g) >= settings.minInFlight && count(g) > settings.shareThreshold * total;
  const take = (m: StoredMessage) => {
    picked.push(m);
    if (m.groupId !== undefined) inFlightByGroup.set(m.groupId, count(m.groupId) + 1);
    total++;
  };
  const picked: StoredMessage[] = [];
  const passedOver = new Map<string, StoredMessage[]>();
  for (const m of visible) {
    if (picked.length >= max) return picked;
    if (!noisy(m.groupId)) {
      take(m);
      continue;
    }
    const waiting = passedOver.get(m.groupId!) ?? [];
    if (waiting.length < max) passedOver.set(m.groupId!, [...waiting, m]);
  }
  // No quiet tenant's message is left: the noisy tenants', the one with the fewest in flight first.
  while (picked.length < max) {
    const groups = [...passedOver].filter(([, list]) => list.length > 0);
    if (groups.length === 0) break;
    const [, list] = groups.reduce((a, b) => (count(b[0]) < count(a[0]) ? b : a));
    take(list.shift()!);
  }
  return picked;
}

/** How many of `messages` each group has. */
export function countByGroup(messages: Iterable<StoredMessage>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of messages) if (m.groupId !== undefined) counts.set(m.groupId, (counts.get(m.groupId) ?? 0) + 1);
  return counts;
}
