/**
 * The local stack's write journal: every write the in-memory DynamoDB Local engine acknowledges is
 * appended to `.local/data/journal-<n>.log` as the image of each item it left behind (the whole item, or
 * a tombstone for a delete) BEFORE the caller gets the answer, so no answered HTTP request can be lost.
 *
 * - Images, not requests: replaying an image is idempotent (an UPDATE with ADD is not), so it does not
 *   matter whether the snapshot already holds a write that is also in the journal.
 * - Order: writes to the same key are serialised through this client (a lock per key, taken in sorted
 *   order so batches cannot deadlock), so the journal's order for a key is the engine's order.
 * - Durability: the append is one write(2) to the file, done before the answer: the data is in the
 *   kernel then and survives the death of every process (kill -9 of the whole tree). fdatasync runs in
 *   the background at most FSYNC_EVERY_MS later, which bounds what a power cut of the machine can take.
 * - Compaction: `rotate()` starts journal n+1; the snapshot taken after it covers every journal < n+1
 *   (see snapshot.ts), which are then deleted.
 */
import { closeSync, fdatasync, fsyncSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchWriteAll, chunks, mapLimited } from '../../shared/store/retry';
import { TABLE } from '../../shared/store/table';

/** How long an appended write may stay in the page cache only (safe from process death, not from power loss). */
const FSYNC_EVERY_MS = 200;

type Item = Record<string, unknown>;
/** `raw`: AttributeValue maps (client-dynamodb commands); `doc`: plain values (lib-dynamodb commands). */
type Form = 'raw' | 'doc';

export interface JournalEntry {
  form: Form;
  table: string;
  /** The item after the write, or undefined when it was deleted. */
  item?: Item;
  key: Item;
}

const JOURNAL_FILE = /^journal-(\d+)\.log$/;

export function journalFile(dir: string, seq: number): string {
  return join(dir, `journal-${String(seq).padStart(8, '0')}.log`);
}

/** The journals in `dir`, oldest first. */
export function journalSeqs(dir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const match = JOURNAL_FILE.exec(name);
    return match ? [Number(match[1])] : [];
  }).sort((a, b) => a - b);
}

export function deleteJournals(dir: string, below = Number.POSITIVE_INFINITY): void {
  for (const seq of journalSeqs(dir)) if (seq < below) rmSync(journalFile(dir, seq), { force: true });
}

/**
 * Every entry of the journals from `from` on, in order. A frame cut short by a crash mid-append ends a
 * journal: it was never acknowledged (the answer waits for the whole append).
 */
export function readJournals(dir: string, from: number): JournalEntry[] {
  const entries: JournalEntry[] = [];
  for (const seq of journalSeqs(dir)) {
    if (seq < from) continue;
    const data = readFileSync(journalFile(dir, seq));
    let at = 0;
    while (at + 4 <= data.length) {
      const length = data.readUInt32LE(at);
      if (at + 4 + length > data.length) break;
      try {
        entries.push(...(deserialize(data.subarray(at + 4, at + 4 + length)) as JournalEntry[]));
      } catch {
        break;
      }
      at += 4 + length;
    }
  }
  return entries;
}

function keyValue(value: unknown): string {
  // The table's keys are strings: `{ S: 'x' }` in raw form, 'x' in doc form.
  if (value !== null && typeof value === 'object' && 'S' in value) return String((value as { S: unknown }).S);
  return String(value);
}

function keyOf(item: Item): Item {
  return { [TABLE.partitionKey]: item[TABLE.partitionKey], [TABLE.sortKey]: item[TABLE.sortKey] };
}

function lockName(table: string, key: Item): string {
  return `${table}\u0000${keyValue(key[TABLE.partitionKey])}\u0000${keyValue(key[TABLE.sortKey])}`;
}

/** The last image of every key, in journal order: what to write back over the snapshot. */
export function lastImages(entries: JournalEntry[]): JournalEntry[] {
  const last = new Map<string, JournalEntry>();
  for (const entry of entries) {
    const name = lockName(entry.table, entry.key);
    last.delete(name); // keep insertion order = order of the last write
    last.set(name, entry);
  }
  return [...last.values()];
}

/** Writes images back (puts and deletes), bypassing the journal: they are already in it. */
export async function applyImages(doc: DynamoDBDocumentClient, entries: JournalEntry[]): Promise<void> {
  const byTable = new Map<string, { doc: JournalEntry[]; raw: JournalEntry[] }>();
  for (const entry of entries) {
    const group = byTable.get(entry.table) ?? { doc: [], raw: [] };
    group[entry.form].push(entry);
    byTable.set(entry.table, group);
  }
  for (const [table, group] of byTable) {
    await batchWriteAll(doc, table, group.doc.map((e) => (e.item ? { PutRequest: { Item: e.item } } : { DeleteRequest: { Key: e.key } })));
    const raw: WriteRequest[] = group.raw.map((e) =>
      e.item ? { PutRequest: { Item: e.item as Record<string, AttributeValue> } } : { DeleteRequest: { Key: e.key as Record<string, AttributeValue> } },
    );
    await mapLimited(chunks(raw, 25), 16, async (chunk) => {
      let pending = chunk;
      while (pending.length > 0) {
        const out = await doc.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
        pending = out.UnprocessedItems?.[table] ?? [];
      }
    });
  }
}

/** Per-key locks: a chain of promises per key. */
class KeyLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async hold<T>(names: string[], fn: () => Promise<T>): Promise<T> {
    const releases: (() => void)[] = [];
    try {
      for (const name of [...new Set(names)].sort()) releases.push(await this.acquire(name));
      return await fn();
    } finally {
      for (const release of releases) release();
    }
  }

  private async acquire(name: string): Promise<() => void> {
    const previous = this.tails.get(name) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(name, tail);
    await previous;
    return () => {
      release();
      if (this.tails.get(name) === tail) this.tails.delete(name);
    };
  }
}

type Send = DynamoDBDocumentClient['send'];
/** Any command of either package (the journal only reads their inputs). */
type AnyCommand = object;
type SendAny = (command: AnyCommand) => Promise<unknown>;
interface Planned {
  locks: string[];
  /** Sends the write (possibly asking for ALL_NEW) and returns the caller's answer and the images. */
  run: (send: SendAny) => Promise<{ answer: unknown; entries: JournalEntry[] }>;
}
interface TransactOp {
  kind: 'put' | 'delete' | 'update';
  table: string;
  key: Item;
  item?: Item;
}

/** Commands that write and that this journal cannot turn into images: refused rather than silently lost. */
const UNJOURNALED_WRITES = new Set(['ExecuteStatementCommand', 'BatchExecuteStatementCommand', 'ExecuteTransactionCommand']);

export class WriteJournal {
  private fd: number | undefined;
  private seq: number;
  private syncTimer: NodeJS.Timeout | undefined;
  private readonly locks = new KeyLocks();

  constructor(private readonly dir: string, seq: number) {
    this.seq = seq;
    this.fd = openSync(journalFile(dir, seq), 'a');
  }

  get current(): number {
    return this.seq;
  }

  /** Makes `doc` journal every write it sends (the same client object, so every holder of it is covered). */
  attach(doc: DynamoDBDocumentClient): void {
    const send = doc.send.bind(doc) as unknown as (command: AnyCommand, ...rest: unknown[]) => Promise<unknown>;
    const journaled = async (command: AnyCommand, ...rest: unknown[]): Promise<unknown> => {
      if (rest.length > 0 && typeof rest[rest.length - 1] === 'function') throw new Error('the journaled client takes no callbacks');
      const plan = this.plan(command);
      if (!plan) return send(command, ...rest);
      return this.locks.hold(plan.locks, async () => {
        const { answer, entries } = await plan.run((c) => send(c, ...rest));
        this.append(entries);
        return answer;
      });
    };
    doc.send = journaled as unknown as Send;
  }

  /** Closes journal n and starts n+1; returns n+1 (every journal below it is complete). */
  rotate(): number {
    this.closeFile();
    this.seq += 1;
    this.fd = openSync(journalFile(this.dir, this.seq), 'a');
    return this.seq;
  }

  close(): void {
    this.closeFile();
  }

  private closeFile(): void {
    if (this.fd === undefined) return;
    clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
  }

  private append(entries: JournalEntry[]): void {
    if (entries.length === 0) return;
    if (this.fd === undefined) throw new Error('the write journal is closed');
    const payload = serialize(entries);
    const frame = Buffer.allocUnsafe(4 + payload.length);
    frame.writeUInt32LE(payload.length, 0);
    payload.copy(frame, 4);
    // One synchronous write: in the kernel before the caller is answered.
    for (let written = 0; written < frame.length; ) written += writeSync(this.fd, frame, written);
    this.syncTimer ??= setTimeout(() => {
      this.syncTimer = undefined;
      if (this.fd !== undefined) fdatasync(this.fd, () => undefined);
    }, FSYNC_EVERY_MS);
    this.syncTimer.unref();
  }

  private plan(command: AnyCommand): Planned | undefined {
    const name = command.constructor.name;
    if (UNJOURNALED_WRITES.has(name)) throw new Error(`${name} is not journaled by the local stack; use item commands`);
    if (command instanceof PutCommand || command instanceof PutItemCommand) {
      const form: Form = command instanceof PutCommand ? 'doc' : 'raw';
      const { TableName: table, Item: item } = command.input as { TableName: string; Item: Item };
      return {
        locks: [lockName(table, item)],
        run: async (send) => ({ answer: await send(command), entries: [{ form, table, item, key: keyOf(item) }] }),
      };
    }
    if (command instanceof DeleteCommand || command instanceof DeleteItemCommand) {
      const form: Form = command instanceof DeleteCommand ? 'doc' : 'raw';
      const { TableName: table, Key: key } = command.input as { TableName: string; Key: Item };
      return {
        locks: [lockName(table, key)],
        run: async (send) => ({ answer: await send(command), entries: [{ form, table, key: keyOf(key) }] }),
      };
    }
    if (command instanceof UpdateCommand || command instanceof UpdateItemCommand) return this.planUpdate(command);
    if (command instanceof BatchWriteCommand || command instanceof BatchWriteItemCommand) {
      const form: Form = command instanceof BatchWriteCommand ? 'doc' : 'raw';
      const requests = (command.input.RequestItems ?? {}) as Record<string, { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[]>;
      const writes = Object.entries(requests).flatMap(([table, list]) =>
        list.map((r) => ({ table, item: r.PutRequest?.Item, key: keyOf(r.PutRequest?.Item ?? r.DeleteRequest!.Key) })),
      );
      return {
        locks: writes.map((w) => lockName(w.table, w.key)),
        run: async (send) => {
          const answer = (await send(command)) as { UnprocessedItems?: typeof requests };
          const unprocessed = new Set(
            Object.entries(answer.UnprocessedItems ?? {}).flatMap(([table, list]) =>
              list.map((r) => lockName(table, keyOf(r.PutRequest?.Item ?? r.DeleteRequest!.Key))),
            ),
          );
          const entries = writes.filter((w) => !unprocessed.has(lockName(w.table, w.key))).map((w) => ({ form, ...w }));
          return { answer, entries };
        },
      };
    }
    if (command instanceof TransactWriteCommand || command instanceof TransactWriteItemsCommand) {
      const form: Form = command instanceof TransactWriteCommand ? 'doc' : 'raw';
      type Op = { TableName: string; Item?: Item; Key?: Item };
      const ops = ((command.input.TransactItems ?? []) as { Put?: Op; Delete?: Op; Update?: Op }[]).flatMap((op): TransactOp[] => {
        if (op.Put) return [{ kind: 'put', table: op.Put.TableName, item: op.Put.Item!, key: keyOf(op.Put.Item!) }];
        if (op.Delete) return [{ kind: 'delete', table: op.Delete.TableName, key: keyOf(op.Delete.Key!) }];
        if (op.Update) return [{ kind: 'update', table: op.Update.TableName, key: keyOf(op.Update.Key!) }];
        return []; // ConditionCheck writes nothing
      });
      return {
        locks: ops.map((o) => lockName(o.table, o.key)),
        run: async (send) => {
          const answer = await send(command);
          // A transaction answers no item: read the updated ones back (under their locks, so unchanged since).
          const entries: JournalEntry[] = [];
          for (const op of ops) {
            if (op.kind === 'put') entries.push({ form, table: op.table, item: op.item, key: op.key });
            else if (op.kind === 'delete') entries.push({ form, table: op.table, key: op.key });
            else entries.push({ form, table: op.table, key: op.key, item: await readBack(send, form, op.table, op.key) });
          }
          return { answer, entries };
        },
      };
    }
    return undefined;
  }

  private planUpdate(command: UpdateCommand | UpdateItemCommand): Planned {
    const form: Form = command instanceof UpdateCommand ? 'doc' : 'raw';
    const input = command.input as { TableName: string; Key: Item; ReturnValues?: string };
    const key = keyOf(input.Key);
    const asked = input.ReturnValues ?? 'NONE';
    return {
      locks: [lockName(input.TableName, key)],
      run: async (send) => {
        if (asked === 'NONE' || asked === 'ALL_NEW') {
          // Ask for the new item and hand the caller what it asked for.
          const withImage =
            form === 'doc'
              ? new UpdateCommand({ ...(input as UpdateCommand['input']), ReturnValues: 'ALL_NEW' })
              : new UpdateItemCommand({ ...(input as UpdateItemCommand['input']), ReturnValues: 'ALL_NEW' });
          const answer = (await send(withImage)) as { Attributes?: Item };
          const entry: JournalEntry = { form, table: input.TableName, key, item: answer.Attributes };
          if (asked === 'NONE') delete answer.Attributes;
          return { answer, entries: [entry] };
        }
        const answer = await send(command);
        return { answer, entries: [{ form, table: input.TableName, key, item: await readBack(send, form, input.TableName, key) }] };
      },
    };
  }
}

async function readBack(send: SendAny, form: Form, table: string, key: Item): Promise<Item | undefined> {
  const command =
    form === 'doc'
      ? new GetCommand({ TableName: table, Key: key, ConsistentRead: true })
      : new GetItemCommand({ TableName: table, Key: key as Record<string, AttributeValue>, ConsistentRead: true });
  const out = (await send(command)) as { Item?: Item };
  return out.Item;
}
