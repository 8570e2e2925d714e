import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig, startDynamoDbLocal } from '../../functions/local/dynamodb-local';
import type { DynamoDbLocalHandle } from '../../functions/local/dynamodb-local';

const TABLE = 'launcher-smoke';

/** Resolves true if something accepts TCP connections on the port, false if refused. */
function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function createSmokeTable(client: DynamoDBClient): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
}

describe('DynamoDB Local launcher (in memory)', () => {
  let engine: DynamoDbLocalHandle;
  let client: DynamoDBClient;

  beforeAll(async () => {
    engine = await startDynamoDbLocal();
    client = new DynamoDBClient(localClientConfig(engine.endpoint));
    await createSmokeTable(client);
  });

  afterAll(async () => {
    client?.destroy();
    await engine?.stop(); // idempotent: also safe after the stop test below
  });

  it('puts and gets an item', async () => {
    await client.send(
      new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'seller#1' }, sk: { S: 'profile' }, name: { S: 'Ada' } } }),
    );
    const { Item } = await client.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'seller#1' }, sk: { S: 'profile' } }, ConsistentRead: true }),
    );
    expect(Item?.name).toEqual({ S: 'Ada' });
  });

  it('runs TransactWriteItems atomically', async () => {
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: TABLE, Item: { pk: { S: 'seller#2' }, sk: { S: 'badge#2024-05' }, tier: { S: 'gold' } } } },
          {
            Update: {
              TableName: TABLE,
              Key: { pk: { S: 'seller#2' }, sk: { S: 'counter' } },
              UpdateExpression: 'ADD badges :one',
              ExpressionAttributeValues: { ':one': { N: '1' } },
            },
          },
        ],
      }),
    );
    const counter = await client.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'seller#2' }, sk: { S: 'counter' } }, ConsistentRead: true }),
    );
    expect(counter.Item?.badges).toEqual({ N: '1' });

    // A failed condition must cancel the whole transaction, including the unconditional Put.
    const failing = client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: TABLE, Item: { pk: { S: 'seller#3' }, sk: { S: 'badge#2024-05' } } } },
          {
            ConditionCheck: {
              TableName: TABLE,
              Key: { pk: { S: 'seller#2' }, sk: { S: 'counter' } },
              ConditionExpression: 'badges > :limit',
              ExpressionAttributeValues: { ':limit': { N: '5' } },
            },
          },
        ],
      }),
    );
    await expect(failing).rejects.toBeInstanceOf(TransactionCanceledException);
    const notWritten = await client.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'seller#3' }, sk: { S: 'badge#2024-05' } }, ConsistentRead: true }),
    );
    expect(notWritten.Item).toBeUndefined();
  });

  it('stops the engine and frees the port', async () => {
    expect(await acceptsConnections(engine.port)).toBe(true);
    await engine.stop();
    expect(await acceptsConnections(engine.port)).toBe(false);
  });
});

describe('DynamoDB Local launcher (dbPath)', () => {
  let dbPath: string;

  beforeAll(async () => {
    dbPath = await mkdtemp(join(tmpdir(), 'ddb-local-'));
  });

  afterAll(async () => {
    await rm(dbPath, { recursive: true, force: true });
  });

  it('keeps tables across restarts', async () => {
    const first = await startDynamoDbLocal({ dbPath });
    try {
      const client = new DynamoDBClient(localClientConfig(first.endpoint));
      await createSmokeTable(client);
      client.destroy();
    } finally {
      await first.stop();
    }

    const second = await startDynamoDbLocal({ dbPath });
    try {
      const client = new DynamoDBClient(localClientConfig(second.endpoint));
      const { TableNames } = await client.send(new ListTablesCommand({}));
      client.destroy();
      expect(TableNames).toContain(TABLE);
    } finally {
      await second.stop();
    }
  });
});
