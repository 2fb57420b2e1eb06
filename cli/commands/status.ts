/** `status`: is anything wrong? One screen for the local stack or a deployed one (`--stack`). */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { StatusReport } from '../../local/status';
import { CommandError, type Command } from '../command';
import { deployedStack, STACK_FLAGS, STACK_USAGE } from '../lib/deployed-stack';
import { deployedStatus } from '../lib/deployed-status';
import { parseFlags } from '../lib/flags';
import { DATA_DIR_USAGE, dataDirFrom, runningStack } from '../lib/local-stack';
import { printJson } from '../lib/output';
import { statusLines } from '../lib/status-view';
import { sqsClient } from '../lib/aws-clients';

const USAGE = `Usage:
  npm run cli -- status [--json]                              the running local stack
  npm run cli -- status --stack NAME [--region R] [--json]    a deployed stack

One screen: every source (requests a minute over the last 5 minutes; accepted, duplicates, rejected by reason,
published and failed in the last hour; its queue and dead letters), the outbound queues, outbound endpoints by
state (disabled ones and open circuits named; deployed, per tenant with endpoints list), deliveries by status
(local) and attempts by outcome, and the alarms firing. Locally the alarms are the deployed alarms' rules over the
local figures (thresholds from the sources' alarms config); deployed, the CloudWatch alarms in ALARM. Deployed
counts come from CloudWatch (a minute or two behind), queues from SQS.

Options:
  --json          JSON output: the report, with the same field names as the tables (default: text)
${STACK_USAGE}
${DATA_DIR_USAGE}`;

const FLAGS = { json: { type: 'boolean' }, 'data-dir': { type: 'string' }, ...STACK_FLAGS } as const;

export const command: Command = {
  name: 'status',
  summary: 'Is anything wrong? Sources, queues, outbound and alarms on one screen (local or --stack)',
  usage: USAGE,
  flags: FLAGS,
  async run(args, io) {
    const { values } = parseFlags(args, FLAGS, { positionals: false });
    const report = values.stack === undefined ? await localReport(values['data-dir']) : await deployed(values);
    if (values.json) return printJson(io, report);
    for (const line of statusLines(report)) io.out(line);
    return 0;
  },
};

async function localReport(dataDirFlag: string | undefined): Promise<StatusReport> {
  const dataDir = dataDirFrom(dataDirFlag);
  const stack = runningStack(dataDir);
  if (!stack)
    throw new CommandError(
      'stack_not_running',
      `No local stack is running on ${dataDir}: start it with \`npm start\` (or ask a deployed one with --stack NAME).`,
    );
  const response = await fetch(`${stack.url}/_local/status`);
  if (!response.ok) throw new CommandError(`http_${response.status}`, `The local stack answered ${response.status}`);
  return (await response.json()) as StatusReport;
}

async function deployed(values: { stack?: string; region?: string }): Promise<StatusReport> {
  const stack = await deployedStack(values.stack!, values.region);
  const cloudwatch = new CloudWatchClient({ region: stack.region });
  const sqs = sqsClient(stack.region);
  try {
    return await deployedStatus(stack, { cloudwatch, sqs });
  } finally {
    cloudwatch.destroy();
    sqs.destroy();
  }
}
