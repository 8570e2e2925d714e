/**
 * Persistence for the local stack. DynamoDB Local's own disk mode (SQLite) commits every write to disk
 * and manages a few dozen items per second on these machines, so the engine runs in memory and the
 * table is saved to `.local/data/` as a snapshot (v8 serialisation keeps binary attributes and sets),
 * at start-up, every few minutes and on stop, and loaded back on the next start.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { gunzipSync, gzipSync } from 'node:zlib';
import { paginateScan, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchWriteAll } from '../../shared/store/retry';

type Item = Record<string, unknown>;

/** Scans the whole table in parallel segments (a local tool: the table is small and ours alone). */
async function scanAll(doc: DynamoDBDocumentClient, table: string, segments = 4): Promise<Item[]> {
  const parts = await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      const items: Item[] = [];
      for await (const page of paginateScan({ client: doc }, { TableName: table, Segment: segment, TotalSegments: segments })) {
        items.push(...((page.Items ?? []) as Item[]));
      }
      return items;
    }),
  );
  return parts.flat();
}

export async function saveSnapshot(doc: DynamoDBDocumentClient, table: string, file: string): Promise<number> {
  const items = await scanAll(doc, table);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, gzipSync(serialize(items)));
  renameSync(tmp, file); // atomic: a crash mid-save leaves the previous snapshot whole
  return items.length;
}

export async function loadSnapshot(doc: DynamoDBDocumentClient, table: string, file: string): Promise<number> {
  if (!existsSync(file)) return 0;
  const items = deserialize(gunzipSync(readFileSync(file))) as Item[];
  await batchWriteAll(doc, table, items.map((Item) => ({ PutRequest: { Item } })));
  return items.length;
}

export function deleteSnapshot(file: string): void {
  rmSync(file, { force: true });
}
