/**
 * The local stack's write journal on DynamoDB Local: every kind of write the repositories send (doc and
 * raw commands, updates with ADD racing on one item, conditional failures, transactions, batches,
 * deletes) is journaled as item images, and replaying the journal into an empty table gives the same
 * table. (Whether answers of racing writes to one item ever arrive out of the engine's order is up to
 * sockets and scheduling; the per-key lock in the journal makes it moot, and this test does not
 * provoke it.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConditionalCheckFailedException, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DeleteCommand, PutCommand, ScanCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyImages, lastImages, readJournals, WriteJournal } from '../../functions/local/journal';
import { createDocumentClient } from '../../shared/store/client';
import { localClientConfig } from '../../functions/local/dynamodb-local';
import { startTestDb, type TestDb } from '../support/harness';

let db: TestDb;
let dir: string;

beforeAll(async () => {
  db = await startTestDb();
  dir = await mkdtemp(join(tmpdir(), 'journal-'));
});

afterAll(async () => {
  await db?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function scanSorted(table: string) {
  const items = (await db.doc.send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? [];
  return items.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}

describe('WriteJournal', () => {
  it('replays into the same table as the engine holds', async () => {
    const table = await db.table();
    const doc = createDocumentClient(localClientConfig(db.endpoint));
    const journal = new WriteJournal(dir, 1);
    journal.attach(doc);

    await doc.send(new PutCommand({ TableName: table, Item: { pk: 'SHOP#a', sk: 'PROFILE', name: 'A', tags: new Set(['x', 'y']) } }));
    // Racing ADDs and SETs on one item: the journal must end on the engine's final image.
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        doc.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: 'RUN#1', sk: 'RUN' },
            UpdateExpression: 'ADD evaluated :one SET lastShop = :shop',
            ExpressionAttributeValues: { ':one': 1, ':shop': `s-${i}` },
          }),
        ),
      ),
    );
    const answered = await doc.send(
      new UpdateCommand({ TableName: table, Key: { pk: 'SHOP#a', sk: 'PROFILE' }, UpdateExpression: 'SET #n = :n', ExpressionAttributeNames: { '#n': 'name' }, ExpressionAttributeValues: { ':n': 'A2' } }),
    );
    expect(answered.Attributes).toBeUndefined(); // the caller asked for nothing and gets nothing
    await doc.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: 'SHOP#a' }, sk: { S: 'MONTH#2026-11' } },
        UpdateExpression: 'SET #r = :r',
        ExpressionAttributeNames: { '#r': 'result' },
        ExpressionAttributeValues: { ':r': { B: new Uint8Array([1, 2, 3]) } },
      }),
    );
    await expect(
      doc.send(new PutCommand({ TableName: table, Item: { pk: 'SHOP#a', sk: 'PROFILE', name: 'never' }, ConditionExpression: 'attribute_not_exists(pk)' })),
    ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    await doc.send(
      new BatchWriteCommand({
        RequestItems: { [table]: Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: { pk: 'SHOP#b', sk: `DAY#${String(i).padStart(2, '0')}`, orders: i } } })) },
      }),
    );
    await doc.send(new DeleteCommand({ TableName: table, Key: { pk: 'SHOP#b', sk: 'DAY#03' } }));
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table, Item: { pk: 'RUN#1', sk: 'SEG#TH#001', done: true } } },
          { Update: { TableName: table, Key: { pk: 'RUN#1', sk: 'RUN' }, UpdateExpression: 'ADD segmentsDone :one', ExpressionAttributeValues: { ':one': 1 } } },
          { Delete: { TableName: table, Key: { pk: 'SHOP#b', sk: 'DAY#04' } } },
        ],
      }),
    );
    journal.close();
    doc.destroy();

    const expected = await scanSorted(table);
    expect(expected.find((i) => i.sk === 'RUN')).toMatchObject({ evaluated: 30, segmentsDone: 1 });
    // Empty the table, then replay the journal into it.
    for (let i = 0; i < expected.length; i += 25) {
      await db.doc.send(new BatchWriteCommand({ RequestItems: { [table]: expected.slice(i, i + 25).map((x) => ({ DeleteRequest: { Key: { pk: x.pk, sk: x.sk } } })) } }));
    }
    expect(await scanSorted(table)).toEqual([]);
    await applyImages(db.doc, lastImages(readJournals(dir, 0)));
    expect(await scanSorted(table)).toEqual(expected);
  });
});
