/**
 * `npm start`: the whole pipeline on 127.0.0.1 — real verifier and processor handlers, an embedded
 * DynamoDB, durable local queues and a local topic — with a console subscriber and optional
 * `--forward URL` subscribers. State lives in `.local-data/` (git-ignored) and survives restarts.
 *
 *   npm start [-- --port 3000] [--forward http://127.0.0.1:4000/events] [--data-dir DIR | --in-memory] [--quiet]
 *             [--fail-rate SOURCE=RATE] [--slow SOURCE=DURATION[@RATE]] [--visibility-timeout DURATION]
 *
 * Environment: PORT (default 3000), LOG_LEVEL (default warn), WEBHOOK_SECRET_<SOURCE_ID>, and a
 * `.env` file at the repository root for any of them.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { eventTypes } from '../config/event-types';
import { localSources } from '../config/local';
import { consoleLog, parseLogLevel } from './log';
import { watchParent } from './parent-watch';
import { loadDotEnv } from './secrets';
import { describeFaults, parseDuration, parseFaultFlags, type ProcessingFaults } from './fault-flags';
import { startLocalStack, type LocalStack } from './stack';
import { START_FLAGS } from './start-flags';
import { DEFAULT_DATA_DIR, readStackState, removeStackState, writeStackState } from './state-file';
import { consoleSubscriber, forwardSubscriber, formatEventLine } from './subscribers';
import type { LocalSubscriber } from './topic';
import { banner, dim, green, plural, red, requestLine, USAGE, yellow } from './banner';

async function main(): Promise<number> {
  // Taken first, so a parent that dies while the stack is starting is noticed too.
  const parentPid = process.ppid;
  const { values } = parseArgs({ options: START_FLAGS, allowPositionals: false });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  // If the terminal or pipe goes away, keep running (and still drain on a signal) rather than crash.
  process.stdout.on('error', () => undefined);
  loadDotEnv();
  const port = Number(values.port ?? process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`invalid port ${values.port ?? process.env.PORT}`);
  const inMemory = values['in-memory'] ?? false;
  const dataDir = inMemory ? undefined : resolve(values['data-dir'] ?? process.env.LOCAL_DATA_DIR ?? DEFAULT_DATA_DIR);
  const quiet = values.quiet ?? false;
  let processingFaults: ProcessingFaults;
  let visibilityTimeoutMs: number | undefined;
  try {
    processingFaults = parseFaultFlags(
      { failRate: values['fail-rate'] ?? [], slow: values.slow ?? [] },
      localSources.map((s) => s.source.id),
    );
    if (values['visibility-timeout'] !== undefined) visibilityTimeoutMs = parseDuration(values['visibility-timeout']);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const log = consoleLog('local', parseLogLevel(process.env.LOG_LEVEL));

  if (dataDir !== undefined) {
    const running = readStackState(dataDir);
    if (running) {
      console.error(
        `A local stack is already running on ${dataDir} (pid ${running.pid}, ${running.url}). Stop it first, or use --data-dir.`,
      );
      return 1;
    }
  }

  const subscribers: LocalSubscriber[] = [];
  let delivered = 0;
  subscribers.push({
    ...consoleSubscriber((line) => {
      delivered++;
      if (!quiet) print(green(line));
    }),
  });
  for (const url of values.forward ?? []) {
    subscribers.push(
      forwardSubscriber(url, {
        log,
        onResult: (n, r) => {
          if (!r.ok && !quiet)
            print(
              red(
                formatEventLine({
                  source: n.attributes.source ?? '?',
                  type: n.attributes.type ?? '?',
                  id: n.attributes.eventId ?? n.messageId,
                  status: 'forward failed',
                  detail: r.status ? `HTTP ${r.status}` : (r.error ?? ''),
                }),
              ),
            );
        },
      }),
    );
  }

  let requests = 0;
  // Restored messages may be processed before startLocalStack returns: callbacks use this, not `stack`.
  let current: LocalStack | undefined = undefined;
  const stack = await startLocalStack({
    port,
    ...(dataDir !== undefined && { dataDir }),
    env: process.env,
    subscribers,
    processingFaults,
    outbound: { eventTypes },
    ...(visibilityTimeoutMs !== undefined && { timing: { visibilityTimeoutMs } }),
    log,
    onRequest: (r) => {
      requests++;
      if (!quiet) print(requestLine(r));
    },
    onRecord: (r) => {
      if (quiet || r.outcome !== 'retry') return;
      const s = current?.sources.get(r.source);
      const max = s?.config.maxReceiveCount ?? 0;
      const next = Math.round((s?.visibilityTimeoutMs ?? 0) / 1000);
      const last = r.message.receiveCount >= max;
      print(
        yellow(
          formatEventLine({
            source: r.source,
            type: r.message.attributes.type ?? '?',
            id: r.message.attributes.eventId ?? r.message.id,
            status: 'retrying',
            detail: `receive ${r.message.receiveCount}/${max} failed (${r.reason ?? 'error'}); ${last ? 'goes to the DLQ' : 'next try'} in ${next} s`,
          }),
        ),
      );
    },
    onDeadLetter: (source, m) => {
      if (!quiet)
        print(
          red(
            formatEventLine({
              source,
              type: m.attributes.type ?? '?',
              id: m.attributes.eventId ?? m.id,
              status: 'dead-letter',
              detail: `after ${m.receiveCount} receives`,
            }),
          ),
        );
    },
  }).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new Error(`port ${port} is in use: set PORT or --port (0 picks a free port)`);
    throw error;
  });
  current = stack;

  if (dataDir !== undefined) {
    writeStackState(dataDir, {
      pid: process.pid,
      url: stack.url,
      dynamoEndpoint: stack.dynamoEndpoint,
      tableName: stack.tableName,
      startedAt: new Date().toISOString(),
    });
  }
  print(
    banner(stack, {
      dataDir,
      forwards: values.forward ?? [],
      faults: describeFaults(processingFaults),
      startedMs: Math.round(performance.now()),
    }),
  );

  return new Promise<number>((resolveExit) => {
    let stoppingSince: number | undefined;
    const shutdown = (signal: string, canSkipDrain = true) => {
      if (stoppingSince !== undefined) {
        // One Ctrl-C can arrive twice (the terminal signals the whole process group, and a wrapper may
        // relay it): only a second press, not a duplicate delivery, skips the drain.
        // Noticing the parent's death while already draining changes nothing.
        if (!canSkipDrain || performance.now() - stoppingSince < 500) return;
        print(
          red(`${signal} again: exiting without draining (nothing acknowledged is lost: queued events are on disk).`),
        );
        process.exit(130);
      }
      stoppingSince = performance.now();
      print(dim(`\n${signal}: draining in-flight work… (press Ctrl-C again to skip)`));
      stack
        .stop()
        .then(() => {
          if (dataDir !== undefined) removeStackState(dataDir);
          const queued = [...stack.queues.values()].reduce((n, q) => n + q.stats().visible + q.stats().inFlight, 0);
          const kept =
            queued === 0
              ? ''
              : dataDir
                ? `; ${queued} queued events are kept for the next start`
                : `; ${queued} queued events are dropped (--in-memory)`;
          print(
            dim(`Stopped cleanly: ${plural(requests, 'request')}, ${plural(delivered, 'event')} delivered${kept}.`),
          );
          resolveExit(0);
        })
        .catch((error: unknown) => {
          console.error(red(`Stopping failed: ${String(error)}`));
          resolveExit(1);
        });
    };
    // `npm start` runs this with `exec` (package.json), so npm forwards SIGINT and SIGTERM to this
    // process itself rather than to a shell that would die and leave us orphaned. A terminal closing
    // sends SIGHUP. A parent that dies without forwarding anything (SIGKILL, a crash) is noticed by
    // watchParent: the stack drains and exits rather than hold the port for nobody.
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGHUP', () => shutdown('SIGHUP'));
    watchParent(() => shutdown('parent process exited', false), { parentPid });
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(red(`npm start failed: ${error instanceof Error ? error.message : String(error)}`));
    process.exit(1);
  },
);
