/**
 * Write throughput of the local stack's persistence options (docs/local-durability.md):
 * DynamoDB Local in memory (nothing kept), in memory + the write journal (functions/local/journal.ts,
 * what `npm start` uses), and DynamoDB Local's own disk mode (-sharedDb -dbPath) on the repository's disk
 * and on tmpfs (/dev/shm). Each: single PutItem one at a time and 16 at once, BatchWriteItem of 25 one at
 * a time and 16 at once, for `seconds` each.
 *
 *   npx tsx test/bench/local-durability.ts [seconds=3]
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BatchWriteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localClientConfig, startDynamoDbLocal } from '../../functions/local/dynamodb-local';
import { WriteJournal } from '../../functions/local/journal';
import { createTable } from '../../functions/local/tables';
import { REPO_ROOT } from '../../functions/local/tokens';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../../shared/store/client';

const seconds = Number(process.argv[2] ?? 3);
const TABLE_NAME = 'bench';

interface Variant {
  name: string;
  dbPath?: string;
  journal?: boolean;
}

const scratch = (parent: string) => mkdtempSync(join(parent, 'ddb-durability-'));
const variants: Variant[] = [
  { name: 'in memory (nothing kept)' },
  { name: 'in memory + journal (chosen)', journal: true },
  { name: '-dbPath on disk (.local)', dbPath: scratch(join(REPO_ROOT, '.local')) },
  ...(existsSync('/dev/shm') ? [{ name: '-dbPath on tmpfs (/dev/shm)', dbPath: scratch('/dev/shm') }] : []),
];

let next = 0;
const item = () => {
  const n = next++;
  return { pk: `SHOP#bench-${n % 500}`, sk: `DAY#${n}`, payload: 'x'.repeat(200), n };
};

async function rate(doc: DynamoDBDocumentClient, lanes: number, itemsPerCall: number): Promise<number> {
  const end = Date.now() + seconds * 1000;
  let items = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (Date.now() < end) {
        if (itemsPerCall === 1) await doc.send(new PutCommand({ TableName: TABLE_NAME, Item: item() }));
        else {
          const requests = Array.from({ length: itemsPerCall }, () => ({ PutRequest: { Item: item() } }));
          await doc.send(new BatchWriteCommand({ RequestItems: { [TABLE_NAME]: requests } }));
        }
        items += itemsPerCall; // unprocessed items are not retried: DynamoDB Local does not throttle
      }
    }),
  );
  return Math.round(items / seconds);
}

console.log('| storage | put, 1 at a time | put, 16 at once | batch of 25, 1 at a time | batch of 25, 16 at once |');
console.log('|---|---|---|---|---|');
for (const variant of variants) {
  const db = await startDynamoDbLocal(variant.dbPath ? { dbPath: variant.dbPath } : {});
  const raw = new DynamoDBClient(localClientConfig(db.endpoint));
  await createTable(raw, TABLE_NAME);
  raw.destroy();
  const doc = createDocumentClient(localClientConfig(db.endpoint));
  const journalDir = variant.journal ? scratch(join(REPO_ROOT, '.local')) : undefined;
  const journal = journalDir ? new WriteJournal(journalDir, 1) : undefined;
  journal?.attach(doc);
  const figures = [await rate(doc, 1, 1), await rate(doc, 16, 1), await rate(doc, 1, 25), await rate(doc, 16, 25)];
  console.log(`| ${variant.name} | ${figures.map((f) => `${f} items/s`).join(' | ')} |`);
  journal?.close();
  doc.destroy();
  await db.stop();
  for (const dir of [variant.dbPath, journalDir]) if (dir) rmSync(dir, { recursive: true, force: true });
}
