/** `recoveries show`: a recovery (`endpoints recover`) or replay (`messages replay`) run, read back while it runs or after. */
import type { RecoveryRun } from '../../lambdas/core/outbound/recovery/runs';
import { UsageError, type Command } from '../command';
import { parseFlags } from '../lib/flags';
import { api, baseUrlFrom, COMMON_OPTIONS, COMMON_OPTIONS_USAGE, enc, tenantPath } from '../lib/outbound-api';
import { printJson, withIsoTimes } from '../lib/output';
import { runRecordLines } from '../lib/run-text';

const USAGE = `Usage:
  npm run cli -- recoveries show <id> --tenant T

Shows a run of endpoints recover (id rcv_…) or messages replay (id rpl_…), as each prints its id: what it was asked,
whether it is done (or still running, or stopped on an error: then run the same command again to finish), how
many times it was run, and its counts: records examined, deliveries queued, already queued by an earlier run,
not recoverable (recover) or matching messages (replay), and how far into the window it has got.

Options:
  --tenant T      the tenant the run was for (required)

${COMMON_OPTIONS_USAGE}`;

const FLAGS = { ...COMMON_OPTIONS, tenant: { type: 'string' } } as const;

export const command: Command = {
  name: 'recoveries',
  summary: 'Show a recovery or replay run: its progress, counts and whether it is done',
  usage: USAGE,
  flags: FLAGS,
  async run(args, io) {
    const { values, positionals } = parseFlags(args, FLAGS);
    const [sub, id, ...extra] = positionals;
    if (sub !== 'show') throw new UsageError(sub === undefined ? 'Which subcommand?' : `Unknown subcommand "${sub}"`);
    if (id === undefined) throw new UsageError('recoveries show: which run id (rcv_… or rpl_…)?');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (values.tenant === undefined) throw new UsageError('--tenant is required');
    const { body } = await api<{ recovery: RecoveryRun }>(
      baseUrlFrom(values),
      'GET',
      `${tenantPath(values.tenant)}/recoveries/${enc(id)}`,
    );
    if (values.json) return printJson(io, withIsoTimes(body.recovery));
    for (const l of runRecordLines(body.recovery)) io.out(l);
    return 0;
  },
};
