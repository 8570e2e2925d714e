/**
 * Crash tests of `npm start`: the server runs as its own process tree (node + the DynamoDB Local watchdog
 * + java) on a temporary data dir, is killed with SIGKILL at seeded random points, and restarted:
 * - every write answered 2xx before the kill is in the table after the restart (ingest, with snapshots
 *   running all the time, so kills also land in the middle of one);
 * - a run killed mid-way resumes at the restart and ends with the same month records as a run that was
 *   not interrupted;
 * - no java outlives its server: killed with the tree, stopped by the watchdog when only the server's
 *   process group dies, or found by the next start when the watchdog died too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, watch } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { localClientConfig, processGone } from '../../functions/local/dynamodb-local';
import { prng } from '../../functions/local/prng';
import { addDays, addMonths, assessmentPeriod, monthContaining, type BadgeMonth, type LocalDate } from '../../shared/domain/calendar';
import { daySk, monthSk, PROFILE_SK, shopPk } from '../../shared/store/keys';
import { TABLE } from '../../shared/store/table';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const START_TIMEOUT_MS = 90_000;
const GONE_TIMEOUT_MS = 15_000;
const seed = Number(process.env.CRASH_SEED ?? 20261201);
const random = prng(seed);
const randomInt = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));

interface Server {
  child: ChildProcess;
  url: string;
  dbEndpoint: string;
  javaPid: number;
  operatorToken: string;
  dataDir: string;
}

const javaPids = new Set<number>();
const dataDirs: string[] = [];
const running = new Set<ChildProcess>();

/** Alive: not exited (a zombie waiting for init to collect it counts as gone: it holds nothing). */
function isAlive(pid: number): boolean {
  return !processGone(pid);
}

/** Waits on a condition, polling it; fails with `what` after the deadline. */
async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = GONE_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts `npm start` on a free port and waits for its health endpoint (via its "is up" line). */
async function startServer(dataDir: string, snapshotEveryMs = 40): Promise<Server> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'functions/local/start.ts', '--port', '0', '--no-demo', '--data-dir', dataDir, '--snapshot-every-ms', String(snapshotEveryMs)],
    // Its own process group, like a terminal's job: a group kill reaches the server, not this test.
    { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  child.once('exit', () => running.delete(child));
  let out = '';
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const up = new Promise<Server>((resolveUp, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not up in time:\n${out}`)), START_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before it was up:\n${out}`));
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const java = /DynamoDB Local \(pid (\d+)\) on (\S+)/.exec(out);
      if (java) javaPids.add(Number(java[1]));
      const url = /is up on (http:\/\/\S+)/.exec(out)?.[1];
      const token = /Operator token \(12 h\):\n(\S+)/.exec(out)?.[1];
      if (java && url && token) {
        clearTimeout(timer);
        resolveUp({ child, url, dbEndpoint: java[2]!, javaPid: Number(java[1]), operatorToken: token, dataDir });
      }
    });
  });
  const server = await up;
  const health = await fetch(`${server.url}/health`);
  expect(health.status).toBe(200);
  return server;
}

/** Every live descendant of `pid` (Linux /proc). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(name)]);
  }
  const found: number[] = [];
  const visit = (p: number) => {
    for (const c of parents.get(p) ?? []) {
      found.push(c);
      visit(c);
    }
  };
  visit(pid);
  return found;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

type KillMode = 'tree' | 'group' | 'orphan';

/**
 * - tree: SIGKILL to every process of the server at once (a power cut, as far as processes go);
 * - group: SIGKILL to the server's process group only (kill -9 of `npm start`): java's watchdog must stop it;
 * - orphan: the server's group and the watchdog, not java: the next start must find and stop it.
 */
async function crash(server: Server, mode: KillMode): Promise<void> {
  const pid = server.child.pid!;
  const exited = new Promise((r) => server.child.once('exit', r));
  const tree = descendants(pid);
  if (mode === 'tree') for (const p of [pid, ...tree]) killQuietly(p);
  else {
    // Orphan: the watchdog goes first, so it cannot see node's pipe close and stop java (a race otherwise).
    if (mode === 'orphan') for (const p of tree) if (p !== server.javaPid) killQuietly(p);
    process.kill(-pid, 'SIGKILL');
  }
  await exited;
  if (mode === 'orphan') expect(isAlive(server.javaPid)).toBe(true);
  else await until(`java ${server.javaPid} to exit after a ${mode} kill`, () => !isAlive(server.javaPid));
}

async function api<T>(server: Server, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.operatorToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

function tableOf(server: Server): { doc: DynamoDBDocumentClient; get: (pk: string, sk: string) => Promise<Record<string, unknown> | undefined> } {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(server.dbEndpoint)));
  return {
    doc,
    get: async (pk, sk) => (await doc.send(new GetCommand({ TableName: TABLE.name, Key: { pk, sk }, ConsistentRead: true }))).Item,
  };
}

async function newDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'crash-'));
  dataDirs.push(dir);
  return dir;
}

const month: BadgeMonth = monthContaining('TH', new Date());
const period = assessmentPeriod(month, 'TH');
const periodDays: LocalDate[] = [];
for (let d = period.from; d <= period.to; d = addDays(d, 1)) periodDays.push(d);
/** Onboarded in the month before: the only badge month due for these shops is `month`. */
const onboardedAt = `${addMonths(month, -1)}-02` as LocalDate;

function dailyRecord(shopId: string, date: LocalDate, orders: number) {
  return {
    shopId,
    date,
    ordersPlaced: orders,
    ordersCancelled: 0,
    sellerFaultCancellations: 0,
    ordersShipped: orders,
    lateDispatches: orders % 7 === 0 ? 1 : 0,
    ordersReturned: 0,
    ordersRefunded: 0,
    sellerFaultReturns: 0,
    gmv: orders * 41_000,
    chatsReceived: 6,
    chatsAnsweredWithin24h: orders % 5 === 0 ? 4 : 6,
    reviews: 4,
    negativeReviews: 0,
    productRatings: 4,
    positiveProductRatings: 4,
    uniqueBuyers30d: 20 + orders,
    shopPerformanceScore: 4.5,
    shopRating: 4 + (orders % 10) / 10,
    violationPoints: 0,
    fraudViolations: 0,
    counterfeitViolations: 0,
    status: 'active',
  };
}

afterAll(async () => {
  for (const child of running) if (child.pid) process.kill(-child.pid, 'SIGKILL');
  for (const pid of javaPids) killQuietly(pid); // only if an assertion failed: then the test has failed already
  await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('npm start survives kill -9', () => {
  // One data dir and one server at a time, through every step: each start costs seconds.
  let dataDir = '';
  let server: Server;

  it('keeps every acknowledged write through kills during ingest and during a snapshot', async () => {
    dataDir = await newDataDir();
    /** What was answered 2xx: profile names by shop, and one day's orders by shop and date. */
    const profiles = new Map<string, string>();
    const days = new Map<string, number>();
    // Snapshots every 40 ms: kills land in the middle of one often, and the last round waits for one.
    server = await startServer(dataDir, 40);
    const rounds: { mode: KillMode; duringSnapshot: boolean }[] = [
      { mode: 'group', duringSnapshot: false },
      { mode: 'orphan', duringSnapshot: true },
    ];
    let written = 0;
    for (const [round, { mode, duringSnapshot }] of rounds.entries()) {
      const killAfter = written + randomInt(10, 60);
      let killed: Promise<void> | undefined;
      const kill = () => (killed ??= crash(server, mode));
      const watcher = duringSnapshot
        ? watch(dataDir, (_event, name) => {
            if (name === 'table.snapshot.tmp' && written >= killAfter && existsSync(join(dataDir, 'table.snapshot.tmp'))) void kill();
          })
        : undefined;
      const writer = async (lane: number) => {
        for (let i = 0; !killed; i++) {
          const shopId = `crash-${round}-${lane}-${i}`;
          const name = `Shop ${round}.${lane}.${i}`;
          try {
            const put = await api(server, 'PUT', `/v1/shops/${shopId}`, { market: 'TH', name, onboardedAt, certifications: [] });
            if (put.status === 200) profiles.set(shopId, name);
            const records = periodDays.slice(0, 3).map((date, d) => dailyRecord(shopId, date, 10 + i + d));
            const post = await api<{ accepted: number }>(server, 'POST', '/v1/metrics', { records });
            if (post.status === 200 && post.body.accepted === records.length) {
              for (const r of records) days.set(`${shopId}|${r.date}`, r.ordersPlaced);
            }
          } catch {
            return; // the connection died with the server: that write was not acknowledged
          }
          written++;
          if (!duringSnapshot && written >= killAfter) void kill();
        }
      };
      await Promise.all([0, 1, 2, 3].map(writer));
      await killed;
      watcher?.close();

      const previousJava = server.javaPid;
      server = await startServer(dataDir, round === rounds.length - 1 ? 1000 : 40);
      if (mode === 'orphan') expect(isAlive(previousJava)).toBe(false); // the start found and stopped it
      const table = tableOf(server);
      for (const [shopId, name] of profiles) expect((await table.get(shopPk(shopId), PROFILE_SK))?.name, shopId).toBe(name);
      for (const [key, orders] of days) {
        const [shopId, date] = key.split('|') as [string, LocalDate];
        expect((await table.get(shopPk(shopId), daySk(date)))?.ordersPlaced, key).toBe(orders);
      }
      table.doc.destroy();
    }
    expect(profiles.size).toBeGreaterThan(0);
  }, 240_000);

  it('resumes a run killed mid-way, ending with the records of an uninterrupted run', async () => {
    const shopIds = Array.from({ length: 60 }, (_, i) => `run-${String(i).padStart(3, '0')}`);
    for (const shopId of shopIds) {
      expect((await api(server, 'PUT', `/v1/shops/${shopId}`, { market: 'TH', name: shopId, onboardedAt, certifications: [] })).status).toBe(200);
    }
    const records = shopIds.flatMap((shopId) => {
      const base = randomInt(2, 12); // some shops earn a badge, some do not
      return periodDays.map((date, d) => dailyRecord(shopId, date, base + (d % 3)));
    });
    for (let i = 0; i < records.length; i += 1000) {
      expect((await api(server, 'POST', '/v1/metrics', { records: records.slice(i, i + 1000) })).status).toBe(200);
    }

    type Run = { runId: string; state: string; shops: { evaluated: number; awarded: number; failed: number } };
    // Kill (the whole tree) once the run is under way and not done; a run too quick to catch is tried again.
    let runId = '';
    for (let attempt = 0; attempt < 5 && !runId; attempt++) {
      const killAt = randomInt(1, 30);
      const started = await api<{ runId: string }>(server, 'POST', '/v1/evaluations', { month, markets: ['TH'] });
      expect(started.status).toBe(202);
      for (;;) {
        const run = (await api<Run>(server, 'GET', `/v1/evaluations/${started.body.runId}`)).body;
        if (run.state !== 'running') break;
        if (run.shops.evaluated >= killAt) {
          await crash(server, 'tree');
          runId = started.body.runId;
          break;
        }
      }
    }
    expect(runId, 'no run was caught mid-way').not.toBe('');

    server = await startServer(dataDir, 1000); // resumes the run's missing segments before it serves
    const resumed = (await api<Run>(server, 'GET', `/v1/evaluations/${runId}`)).body;
    expect(resumed).toMatchObject({ state: 'succeeded', shops: { failed: 0 } });
    const table = tableOf(server);
    const outcomes = async () =>
      Promise.all(
        shopIds.map(async (shopId) => {
          const item = await table.get(shopPk(shopId), monthSk(month));
          return { shopId, outcome: item?.outcome, result: Buffer.from(item?.result as Uint8Array).toString('base64') };
        }),
      );
    const afterCrash = await outcomes();

    const again = await api<{ runId: string }>(server, 'POST', '/v1/evaluations', { month, markets: ['TH'] });
    expect(again.status).toBe(202);
    await until('the uninterrupted run', async () => (await api<Run>(server, 'GET', `/v1/evaluations/${again.body.runId}`)).body.state !== 'running', 60_000);
    const uninterrupted = (await api<Run>(server, 'GET', `/v1/evaluations/${again.body.runId}`)).body;
    expect(uninterrupted.state).toBe('succeeded');
    expect(resumed.shops).toEqual(uninterrupted.shops);
    expect(afterCrash).toEqual(await outcomes());
    expect(new Set(afterCrash.map((r) => r.outcome)).size).toBe(2); // both awarded and not: the comparison means something
    table.doc.destroy();
    await crash(server, 'group');
  }, 240_000);

  it('leaves no DynamoDB Local java behind', () => {
    expect(javaPids.size).toBe(4);
    for (const pid of javaPids) expect(isAlive(pid), `java ${pid}`).toBe(false);
  });
});
