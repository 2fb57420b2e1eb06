/**
 * The archive's deployed adapter against moto's S3: objects written with a SHA-256 checksum and read back byte for
 * byte, listed by partition in key order, a missing key read as absent; Object Lock in compliance mode refusing to
 * delete a locked version; the processor writing one archive object per batch; and an offloaded message published
 * to SNS with the extended clients' Number attribute, as a raw SQS subscriber receives it.
 * (moto's Glue stores the table but its Athena does not run SQL: the query path is covered locally, with DuckDB.)
 */
import { randomUUID } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  ListObjectVersionsCommand,
  PutObjectLockConfigurationCommand,
} from '@aws-sdk/client-s3';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { expect, it } from 'vitest';
import { S3ObjectStore } from '../../lambdas/adapters/s3-object-store';
import { SnsTopic } from '../../lambdas/adapters/sns-topic';
import { offloadLarge, writeRows } from '../../lambdas/core/archive/attempts';
import { parseExtendedPointer } from '../../lambdas/core/archive/extended-pointer';
import { ARCHIVE_PREFIXES } from '../../lambdas/core/archive/layout';
import { decodeRows, type ArchiveRow } from '../../lambdas/core/archive/record';
import { clients, describeWithServer } from './servers';

const row = (id: string): ArchiveRow => ({
  id,
  type: 'invoice.paid',
  received_at: '2026-12-01T10:00:00.000Z',
  attempt: 1,
  status: 'completed',
  headers: { 'content-type': 'application/json' },
  body: '{"id":"x"}',
  body_encoding: 'utf8',
  body_sha256: 'abc',
  body_bytes: 10,
  secret_index: 0,
  archived_at: '2026-12-01T10:00:01.000Z',
});

describeWithServer('moto', 'the archive on S3 (moto)', (server) => {
  async function bucket(options: { lock?: boolean } = {}) {
    const { s3 } = clients(server().endpoint);
    const name = `archive-${randomUUID().slice(0, 8)}`;
    await s3.send(new CreateBucketCommand({ Bucket: name, ObjectLockEnabledForBucket: options.lock ?? false }));
    return { s3, store: new S3ObjectStore(s3, name) };
  }

  it('writes objects with a checksum and reads them back byte for byte; a missing key is absent', async () => {
    const { store } = await bucket();
    const bytes = Uint8Array.from([0, 255, 10, 13, 0xe2, 0x82, 0xac]);
    await store.put('payloads/source=stripe/day=2026-12-01/abc', bytes, { contentType: 'application/octet-stream' });
    expect(Buffer.from((await store.get('payloads/source=stripe/day=2026-12-01/abc'))!)).toEqual(Buffer.from(bytes));
    expect(await store.get('payloads/source=stripe/day=2026-12-01/missing')).toBeUndefined();
  });

  it('lists a partition in key order, after a key, across pages', async () => {
    const { store } = await bucket();
    const keys = Array.from({ length: 5 }, (_, i) => `events/source=stripe/day=2026-12-01/${i}.json.gz`);
    for (const key of [...keys].reverse()) await store.put(key, new Uint8Array([1]));
    await store.put('events/source=github/day=2026-12-01/0.json.gz', new Uint8Array([1]));
    expect(await store.list('events/source=stripe/day=2026-12-01/')).toEqual(keys);
    expect(await store.list('events/source=stripe/', { startAfter: keys[1] })).toEqual(keys.slice(2));
    expect(await store.list('events/source=stripe/', { limit: 2 })).toEqual(keys.slice(0, 2));
  });

  it('writes one gzip JSON-lines object per batch and day, readable as rows', async () => {
    const { store } = await bucket();
    await writeRows(
      'stripe',
      [row('evt_1'), row('evt_2')],
      { store, newId: () => 'batch1' },
      Date.parse('2026-12-01T10:00:02Z'),
    );
    const [key, ...others] = await store.list(ARCHIVE_PREFIXES.events);
    expect(others).toEqual([]);
    expect(key).toMatch(/^events\/source=stripe\/day=2026-12-01\/20261201T100002000Z-batch1\.json\.gz$/);
    expect(decodeRows((await store.get(key!))!).rows.map((r) => r.id)).toEqual(['evt_1', 'evt_2']);
  });

  it('keeps a locked version under Object Lock in compliance mode: deleting it is refused', async () => {
    const { s3, store } = await bucket({ lock: true });
    await s3.send(
      new PutObjectLockConfigurationCommand({
        Bucket: store.bucket,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 1 } },
        },
      }),
    );
    await store.put('events/source=stripe/day=2026-12-01/locked.json.gz', new Uint8Array([1, 2, 3]));
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: store.bucket }));
    const version = versions.Versions?.[0]?.VersionId;
    await expect(
      s3.send(
        new DeleteObjectCommand({
          Bucket: store.bucket,
          Key: 'events/source=stripe/day=2026-12-01/locked.json.gz',
          VersionId: version,
        }),
      ),
    ).rejects.toThrow();
    expect(await store.get('events/source=stripe/day=2026-12-01/locked.json.gz')).toEqual(expect.anything());
  });

  it('publishes a message over 256 KiB as an extended-client pointer with the Number attribute ExtendedPayloadSize', async () => {
    const { store } = await bucket();
    const { sns, sqs } = clients(server().endpoint);
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'events' }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'subscriber' }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: Attributes!.QueueArn!,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    const message = JSON.stringify({ id: 'evt_large', payload: 'x'.repeat(300 * 1024) });
    const [entry] = await offloadLarge(
      [{ id: 'm1', message, attributes: { source: 'stripe', type: 't', eventId: 'evt_large' } }],
      'stripe',
      { store, newId: () => 'n1' },
      Date.parse('2026-12-01T10:00:00Z'),
    );
    expect(await new SnsTopic(sns, TopicArn!).publishBatch([entry!])).toEqual(new Set());

    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ['All'], WaitTimeSeconds: 1 }),
    );
    const [m] = received.Messages ?? [];
    expect(m?.MessageAttributes?.ExtendedPayloadSize).toEqual({
      DataType: 'Number',
      StringValue: String(Buffer.byteLength(message)),
    });
    const pointer = parseExtendedPointer(m!.Body!);
    expect(pointer?.s3BucketName).toBe(store.bucket);
    expect(Buffer.from((await store.get(pointer!.s3Key))!).toString('utf8')).toBe(message);
  });
});
