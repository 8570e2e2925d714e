/**
 * Persistence for the local stack (`.local/data/` or `--data-dir`). DynamoDB Local's own disk mode
 * (SQLite) commits every item in its own transaction with several fsyncs, ~77 single puts/s and ~360 items/s
 * in batches on this machine's disk (docs/local-durability.md), so the engine runs in memory and:
 * - every acknowledged write is appended to a journal before it is answered (journal.ts);
 * - the table is saved as a snapshot (v8 serialisation keeps binary attributes and sets) at start-up,
 *   every minute and on stop; a snapshot covers the journals before it, which are then deleted;
 * - on start, the snapshot is loaded and the journals after it are replayed over it.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { gunzipSync, gzipSync } from 'node:zlib';
import { paginateScan, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchWriteAll } from '../../shared/store/retry';
import { applyImages, deleteJournals, journalSeqs, lastImages, readJournals, WriteJournal } from './journal';

type Item = Record<string, unknown>;

interface SnapshotFile {
  /** Every journal numbered below this is contained in the snapshot. */
  coversBelow: number;
  items: Item[];
}

const SNAPSHOT_NAME = 'table.snapshot';

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

function readSnapshot(file: string): SnapshotFile {
  if (!existsSync(file)) return { coversBelow: 0, items: [] };
  const data = deserialize(gunzipSync(readFileSync(file))) as SnapshotFile | Item[];
  // Snapshots written before the journal existed are a bare item array.
  return Array.isArray(data) ? { coversBelow: 0, items: data } : data;
}

export interface RestoreSummary {
  snapshotItems: number;
  journaledWrites: number;
}

/** The table's data on disk: a snapshot plus the journal of every write acknowledged since. */
export class LocalPersistence {
  private saving: Promise<number> = Promise.resolve(0);

  private constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly dir: string,
    private readonly journal: WriteJournal,
    readonly restored: RestoreSummary,
  ) {}

  /**
   * Restores the table from `dir` (unless `fresh`), then journals every write `doc` sends from now on.
   * Nothing on disk changes until the first snapshot: a crash while restoring restores again next time.
   */
  static async open(doc: DynamoDBDocumentClient, table: string, dir: string, options: { fresh?: boolean } = {}): Promise<LocalPersistence> {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, SNAPSHOT_NAME);
    rmSync(`${file}.tmp`, { force: true }); // a save cut short by a crash
    if (options.fresh) {
      rmSync(file, { force: true });
      deleteJournals(dir);
    }
    const snapshot = readSnapshot(file);
    await batchWriteAll(doc, table, snapshot.items.map((Item) => ({ PutRequest: { Item } })));
    const images = lastImages(readJournals(dir, snapshot.coversBelow));
    await applyImages(doc, images);
    const next = Math.max(snapshot.coversBelow, ...journalSeqs(dir).map((seq) => seq + 1));
    const journal = new WriteJournal(dir, next);
    journal.attach(doc);
    return new LocalPersistence(doc, table, dir, journal, { snapshotItems: snapshot.items.length, journaledWrites: images.length });
  }

  /** Saves the table and drops the journals it covers; one save at a time. Returns the items saved. */
  snapshot(): Promise<number> {
    this.saving = this.saving.catch(() => 0).then(() => this.saveOnce());
    return this.saving;
  }

  /** Stops journaling (after a last snapshot, if the caller wants one). */
  close(): void {
    this.journal.close();
  }

  private async saveOnce(): Promise<number> {
    // Writes from here on go to the new journal; everything in the older ones is in the table already,
    // so the scan below sees it (or a later image, which the new journal also holds).
    const coversBelow = this.journal.rotate();
    const items = await scanAll(this.doc, this.table);
    const file = join(this.dir, SNAPSHOT_NAME);
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, gzipSync(serialize({ coversBelow, items } satisfies SnapshotFile)), { flush: true });
    renameSync(tmp, file); // atomic: a crash mid-save leaves the previous snapshot and every journal
    deleteJournals(this.dir, coversBelow);
    return items.length;
  }
}
