/**
 * Small HTTP and Lambda plumbing for the local stack: listening, closing without waiting on idle
 * keep-alive sockets nor on sockets that never sent a request, and the Lambda context the verifier is invoked with.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Context } from 'aws-lambda';

export function verifierContext(): Context {
  const deadline = Date.now() + 10_000;
  const unsupported = () => {
    throw new Error('callback-style completion is not supported by async handlers');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'webhook-verifier',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:webhook-verifier',
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/webhook-verifier',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

/**
 * Sockets of each server that have not sent a byte yet. A browser opens such sockets ahead of need (preconnect) and
 * Node never counts them idle, so `closeServer` would wait on them for as long as a portal tab stays open.
 */
const silentSockets = new WeakMap<Server, Set<Socket>>();

export function listen(server: Server, port: number, host: string): Promise<void> {
  const silent = new Set<Socket>();
  silentSockets.set(server, silent);
  server.on('connection', (socket: Socket) => {
    silent.add(socket);
    socket.once('data', () => silent.delete(socket));
    socket.once('close', () => silent.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    // Idle keep-alive sockets would hold close() open; requests in progress finish, and their
    // sockets are closed as soon as they turn idle.
    const sweep = setInterval(() => server.closeIdleConnections(), 20);
    server.close((error) => {
      clearInterval(sweep);
      if (error) reject(error);
      else resolve();
    });
    server.closeIdleConnections();
    for (const socket of silentSockets.get(server) ?? []) socket.destroy();
  });
}
