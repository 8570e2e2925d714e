/**
 * The operator CLI as an operator runs it: a child process (tsx) with BADGES_TOKEN, against the local
 * stack (DynamoDB Local, the real handlers behind the local gateway, no demo data). Exit codes 0/1/2,
 * `--json` standard output as exactly one JSON document equal to the API's own answer, ingest of NDJSON
 * and CSV with a rejected row reported by its line, a real run to `succeeded`, the month's run list, a
 * policy simulation with its diff (as JSON, as tables, as the CSV download), shop and revoke, and the retry
 * of a run in which a shop really failed (its stored day cannot be read) evaluating that shop only.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChange } from '../../cli/usage';
import { csvCells, csvValue } from '../../cli/records-file';
import { renderDiff } from '../../cli/runs';
import { startLocalStack, type LocalStack } from '../../functions/local/stack';
import { addDays, addMonths, assessmentPeriod, monthContaining, type LocalDate } from '../../shared/domain/calendar';
import { COUNTERS, type DailyRecord } from '../../shared/domain/metrics';
import { healthyDay } from '../support/records';
import { REPO_ROOT } from '../../functions/local/tokens';

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

let stack: LocalStack;
let dir: string;

function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, BADGES_API: stack.url, BADGES_TOKEN: stack.operatorToken, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `--json` output: the whole of standard output must be one JSON document. */
function onlyJson<T>(result: CliResult): T {
  expect(result.stdout.trim(), result.stderr).not.toBe('');
  return JSON.parse(result.stdout) as T;
}

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.operatorToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${method} ${path}`).toBeLessThan(300);
  return (await res.json()) as T;
}

const month = monthContaining('TH', new Date());
const period = assessmentPeriod(month, 'TH');
const days: LocalDate[] = [];
for (let d = period.from; d <= period.to; d = addDays(d, 1)) days.push(d);
const WINNER = 'cli-th-winner';
const SMALL = 'cli-th-small';
/**
 * 6 orders and THB1,000 a day: 168 to 186 completed orders in a 28- to 31-day period and at most 3,100,000
 * of GMV, so it passes TopChoice TH volume (150 orders or 3,500,000) on orders, and fails it at 200 orders.
 */
const MID = 'cli-th-mid';
const MID_DAY = { ordersPlaced: 6, ordersShipped: 6, gmv: 100_000 };
/** Created after the month's first run; one of its stored days is made unreadable so that evaluating it throws. */
const BROKEN = 'cli-th-broken';

const putShop = (shopId: string) => api('PUT', `/v1/shops/${shopId}`, { market: 'TH', onboardedAt: `${addMonths(month, -4)}-03`, certifications: [] });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'badges-cli-'));
  stack = await startLocalStack({ port: 0, demo: false });
  for (const shopId of [WINNER, SMALL, MID]) await putShop(shopId);
  expect(await api('POST', '/v1/metrics', { records: days.map((d) => healthyDay(MID, d, MID_DAY)) })).toMatchObject({ rejected: [] });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('what the CLI reads from its flags and files', () => {
  it('parses --change into the contract change, numbers as numbers and per-market values', () => {
    expect(parseChange('top-choice.volume=200')).toEqual({ program: 'top-choice', criterion: 'volume', threshold: 200 });
    expect(parseChange('top-choice.volume.gmv=3500000')).toEqual({ program: 'top-choice', criterion: 'volume', metric: 'gmv', threshold: 3_500_000 });
    expect(parseChange('top-choice.shop-rating=TH:4.5,MY:4.4')).toEqual({ program: 'top-choice', criterion: 'shop-rating', threshold: { TH: 4.5, MY: 4.4 } });
    expect(parseChange('mall.certification=mall')).toEqual({ program: 'mall', criterion: 'certification', threshold: 'mall' });
    expect(parseChange('x.y=true').threshold).toBe(true);
    expect(() => parseChange('top-choice=200')).toThrow(/--change takes/);
    expect(() => parseChange('top-choice.volume=XX:1')).toThrow(/unknown market "XX"/);
  });

  it('reads CSV cells with quotes and types them like the JSON of a record', () => {
    expect(csvCells('a,"b, c","say ""hi""",')).toEqual(['a', 'b, c', 'say "hi"', '']);
    expect(csvValue('shopId', '0042')).toBe('0042');
    expect(csvValue('ordersPlaced', '12')).toBe(12);
    expect(csvValue('shopRating', '4.8')).toBe(4.8);
    expect(csvValue('hasLogo', 'false')).toBe(false);
    expect(csvValue('shopRating', '')).toBeNull();
  });

  it("prints a dry run's diff as tables: totals, programs before/after, failing criteria, shops", () => {
    // The contract's example diff.
    const text = renderDiff(
      {
        gained: 3,
        lost: 41,
        changed: 0,
        unchanged: 956,
        byProgram: { 'top-choice': { before: 412, after: 374 }, mall: { before: 20, after: 20 } },
        failing: { 'top-choice/volume': 388, 'top-choice/shop-rating': 97 },
        shops: [{ shopId: 'th-000123', before: 'top-choice', after: null }],
      },
      1000,
    );
    expect(text).toMatch(/^gained\s+lost\s+changed\s+unchanged$/m);
    expect(text).toMatch(/^\s+3\s+41\s+0\s+956$/m);
    expect(text).toMatch(/^top-choice\s+412\s+374\s+-38$/m);
    expect(text).toMatch(/^mall\s+20\s+20\s+0$/m);
    expect(text.indexOf('top-choice/volume')).toBeLessThan(text.indexOf('top-choice/shop-rating'));
    expect(text).toMatch(/first 1 of 44/);
    expect(text).toMatch(/^th-000123\s+top-choice\s+-$/m);
    expect(text).not.toMatch(/note:/);
  });
});

describe('bad usage exits 2, failed work exits 1', () => {
  it('rejects unknown commands and options and bad flag values with 2', async () => {
    const [unknownCommand, unknownOption, badMonth, noMonth, changeWithoutDryRun, badMarket] = await Promise.all([
      cli(['frobnicate']),
      cli(['runs', 'list', '--month', month, '--colour']),
      cli(['runs', 'start', '--month', '2026-13']),
      cli(['runs', 'start']),
      cli(['runs', 'start', '--month', month, '--change', 'top-choice.volume=200']),
      cli(['runs', 'start', '--month', month, '--markets', 'TH,XX']),
    ]);
    for (const r of [unknownCommand, unknownOption, badMonth, noMonth, changeWithoutDryRun, badMarket]) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
    }
    expect(unknownCommand.stderr).toMatch(/unknown command 'frobnicate'/);
    expect(badMonth.stderr).toMatch(/YYYY-MM/);
    expect(changeWithoutDryRun.stderr).toMatch(/--dry-run/);
    expect(badMarket.stderr).toMatch(/unknown market "XX"/);
  });

  it('asks for BADGES_TOKEN (2), and names npm start when nothing listens (1)', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const [noToken, refused] = await Promise.all([cli(['runs', 'show', 'abc'], { BADGES_TOKEN: '' }), cli(['--api', `http://127.0.0.1:${closedPort}`, 'runs', 'show', 'abc'])]);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/BADGES_TOKEN/);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/connection refused \(is npm start running\?/);
  });

  it("prints the API's error and exits 1", async () => {
    const [r, badToken] = await Promise.all([cli(['runs', 'show', 'no-such-run']), cli(['shop', WINNER], { BADGES_TOKEN: 'not-a-token' })]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/404 not_found: no evaluation run no-such-run/);
    expect(badToken.code).toBe(1);
    expect(badToken.stderr).toMatch(/401 unauthorized/);
  });

  it('with --json, a failure is still exactly one JSON document: the API error answer, or one in its shape', async () => {
    const [apiError, usage] = await Promise.all([cli(['runs', 'show', 'no-such-run', '--json']), cli(['--json', 'runs', 'start', '--month', 'soon'])]);
    expect(apiError.code).toBe(1);
    const res = await fetch(`${stack.url}/v1/evaluations/no-such-run`, { headers: { authorization: `Bearer ${stack.operatorToken}` } });
    expect(res.status).toBe(404);
    expect(onlyJson(apiError)).toEqual(await res.json());
    expect(usage.code).toBe(2);
    expect(onlyJson(usage)).toEqual({ error: { code: 'usage', message: expect.stringMatching(/YYYY-MM/), details: [] } });
  });
});

describe('an operator month through the CLI', () => {
  let runId = '';
  let noWaitRunId = '';
  let simulationId = '';

  it('ingests NDJSON', async () => {
    const file = join(dir, 'winner.ndjson');
    // A blank line in the middle is skipped, and the line numbers still count it.
    const lines = days.map((d) => JSON.stringify(healthyDay(WINNER, d)));
    lines.splice(3, 0, '');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = await cli(['ingest', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(onlyJson(r)).toEqual({ records: days.length, accepted: days.length, rejected: [] });
  });

  it('ingests CSV and reports the rejected row by its line in the file (exit 1)', async () => {
    const file = join(dir, 'small.csv');
    const header = ['shopId', 'date', ...COUNTERS, 'shopRating', 'hasLogo', 'status'];
    const row = (date: LocalDate, over: Record<string, string> = {}) => {
      const values: Record<string, string> = { shopId: SMALL, date, ...Object.fromEntries(COUNTERS.map((c) => [c, '0'])), ordersPlaced: '2', ordersShipped: '2', shopRating: '4.9', hasLogo: 'true', status: 'active', ...over };
      return header.map((h) => values[h]).join(',');
    };
    const rows = [
      header.join(','), // line 1
      row(days[0]!), // line 2
      row(days[1]!, { shopRating: '' }), // line 3: an unknown gauge is an empty cell
      row(days[2]!, { lateDispatches: '5' }), // line 4: 5 late dispatches of 2 shipped orders
      row(days[3]!, { status: '"active"' }), // line 5: a quoted cell
    ];
    writeFileSync(file, `${rows.join('\r\n')}\r\n`);

    // Sending the same days twice is safe (a day is replaced), so both runs of the file go at once.
    const [r, human] = await Promise.all([cli(['ingest', file, '--json']), cli(['ingest', file])]);
    expect(r.code).toBe(1);
    const out = onlyJson<{ records: number; accepted: number; rejected: { line: number; shopId: string; errors: { path: string; message: string }[] }[] }>(r);
    expect(out.records).toBe(4);
    expect(out.accepted).toBe(3);
    expect(out.rejected).toHaveLength(1);
    expect(out.rejected[0]).toMatchObject({ line: 4, shopId: SMALL });
    expect(out.rejected[0]!.errors.map((e) => e.path)).toContain('lateDispatches');

    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/4 records, 3 accepted, 1 rejected/);
    expect(human.stdout).toMatch(/^\s*4\s+cli-th-small\s+lateDispatches\s+\S/m);
  });

  it('starts a run, follows it to succeeded, and prints exactly the status the API gives', async () => {
    const r = await cli(['runs', 'start', '--month', month, '--markets', 'TH', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const run = onlyJson<{ runId: string; state: string; shops: { evaluated: number; awarded: number; failed: number } }>(r);
    expect(run).toMatchObject({ month, markets: ['TH'], dryRun: false, trigger: 'operator', state: 'succeeded', shops: { evaluated: 3, awarded: 2, failed: 0 }, failures: [] });
    expect(run).toEqual(await api('GET', `/v1/evaluations/${run.runId}`));
    // The progress bar counts the run's segments, on standard error only.
    const { segments } = run as unknown as { segments: { total: number } };
    expect(segments.total).toBeGreaterThan(0);
    expect(r.stderr).toContain(`/${segments.total} segments`);
    runId = run.runId;
  });

  it('shows a run, and retries nothing when nothing failed', async () => {
    const [json, human, retry] = await Promise.all([cli(['runs', 'show', runId, '--json']), cli(['runs', 'show', runId]), cli(['runs', 'retry', runId])]);
    expect(json.code).toBe(0);
    expect(onlyJson(json)).toEqual(await api('GET', `/v1/evaluations/${runId}`));
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`run:\\s+${runId}`));
    expect(human.stdout).toMatch(/state:\s+succeeded/);
    expect(retry.code).toBe(0);
    expect(retry.stderr).toMatch(/nothing to retry/);
  });

  it('starts a dry run without waiting: only the run id', async () => {
    const r = await cli(['runs', 'start', '--month', month, '--markets', 'TH', '--dry-run', '--no-wait', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { runId: dryRunId } = onlyJson<{ runId: string }>(r);
    expect(Object.keys(onlyJson(r))).toEqual(['runId']);
    expect(await api<{ dryRun: boolean }>('GET', `/v1/evaluations/${dryRunId}`)).toMatchObject({ dryRun: true });
    noWaitRunId = dryRunId;
  });

  it("lists the month's runs: --json is the API's list, the table one line per run", async () => {
    // The dry run just started must have ended, or the two reads could see it in different states.
    await stack.queue.idle();
    const [json, human] = await Promise.all([cli(['runs', 'list', '--month', month, '--market', 'TH', '--json']), cli(['runs', 'list', '--month', month])]);
    expect(json.code, json.stderr).toBe(0);
    const list = onlyJson<{ runs: { runId: string }[] }>(json);
    expect(list).toEqual(await api('GET', `/v1/evaluations?month=${month}&market=TH`));
    // Newest first.
    expect(list.runs.map((r) => r.runId)).toEqual([noWaitRunId, runId]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^run\s+trigger\s+markets\s+dry run\s+state\s+evaluated\s+awarded\s+failed\s+started\s+finished$/m);
    expect(human.stdout).toMatch(new RegExp(`^${runId}\\s+operator\\s+TH\\s+no\\s+succeeded\\s+3\\s+2\\s+0\\s`, 'm'));
    expect(human.stdout).toMatch(new RegExp(`^${noWaitRunId}\\s+operator\\s+TH\\s+yes\\s+succeeded\\s+3\\s+2\\s+0\\s`, 'm'));
  });

  it('simulates a threshold with --change: the status with its diff as JSON, and the diff as tables', async () => {
    const args = ['runs', 'start', '--month', month, '--markets', 'TH', '--dry-run', '--change', 'top-choice.volume=200'];
    const [json, human] = await Promise.all([cli([...args, '--json']), cli(args)]);
    expect(json.code, json.stderr).toBe(0);
    const run = onlyJson<{ runId: string }>(json);
    expect(run).toEqual(await api('GET', `/v1/evaluations/${run.runId}`));
    // Only MID passed on the 150 orders alone; SMALL fails volume either way. The stored records are the real run's.
    expect(run).toMatchObject({
      dryRun: true,
      state: 'succeeded',
      shops: { evaluated: 3, awarded: 1, failed: 0 },
      changes: [{ program: 'top-choice', criterion: 'volume', threshold: 200 }],
      diff: {
        gained: 0,
        lost: 1,
        changed: 0,
        unchanged: 2,
        byProgram: { 'top-choice': { before: 2, after: 1 } },
        failing: { 'top-choice/volume': 2 },
        shops: [{ shopId: MID, before: 'top-choice', after: null }],
      },
    });
    simulationId = run.runId;

    expect(human.code, human.stderr).toBe(0);
    expect(human.stderr).toMatch(/\/\d+ segments/);
    expect(human.stdout).toMatch(/dry run:\s+yes/);
    expect(human.stdout).toMatch(/changes:\s+top-choice\.volume=200$/m);
    expect(human.stdout).toMatch(/^gained\s+lost\s+changed\s+unchanged$/m);
    expect(human.stdout).toMatch(/^\s+0\s+1\s+0\s+2$/m);
    expect(human.stdout).toMatch(/^top-choice\s+2\s+1\s+-1$/m);
    expect(human.stdout).toMatch(/^top-choice\/volume\s+2$/m);
    expect(human.stdout).toMatch(new RegExp(`^${MID}\\s+top-choice\\s+-$`, 'm'));
  });

  it("downloads the simulation's full diff as CSV, byte for byte the API's, to a file or standard output", async () => {
    const file = join(dir, 'diff.csv');
    const [toFile, toStdout] = await Promise.all([cli(['diff', simulationId, '--csv', '--out', file, '--json']), cli(['diff', simulationId, '--csv'])]);
    const res = await fetch(`${stack.url}/v1/evaluations/${simulationId}/diff.csv`, { headers: { authorization: `Bearer ${stack.operatorToken}` } });
    expect(res.status).toBe(200);
    const csv = await res.text();
    expect(csv).toBe(`shopId,market,before,after,criteria\n${MID},TH,top-choice,,top-choice/volume\n`);
    expect(toFile.code, toFile.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(csv);
    expect(onlyJson(toFile)).toEqual({ runId: simulationId, file });
    expect(toStdout.code, toStdout.stderr).toBe(0);
    expect(toStdout.stdout).toBe(csv);
  });

  it("shows a shop's eligibility as a criterion table", async () => {
    const [json, human] = await Promise.all([cli(['shop', WINNER, '--month', month, '--json']), cli(['shop', SMALL, '--month', month])]);
    expect(json.code).toBe(0);
    expect(onlyJson(json)).toEqual(await api('GET', `/v1/shops/${WINNER}/eligibility?month=${month}`));
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/status:\s+not-eligible/);
    expect(human.stdout).toMatch(/criterion\s+actual\s+threshold\s+passed/);
    // Three small days: 6 orders, far from TopChoice's volume.
    expect(human.stdout).toMatch(/^volume\s+6\s+>= \d+\s+NO$/m);
  });

  it('revokes a badge (and a second revocation is the API conflict, exit 1)', async () => {
    const reason = 'Counterfeit goods confirmed by the brand';
    const r = await cli(['revoke', WINNER, '--reason', reason, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(onlyJson(r)).toMatchObject({ shopId: WINNER, status: 'revoked', badge: null, revocation: { reason } });
    expect(await api('GET', `/v1/shops/${WINNER}/eligibility?month=${month}`)).toMatchObject({ status: 'revoked' });
    const again = await cli(['revoke', WINNER, '--reason', reason]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/409 conflict/);
  });
});

describe('a run in which a shop failed, and its retry', () => {
  it('lists the failed shop, exits 1, and `runs retry` evaluates exactly that shop again', async () => {
    await putShop(BROKEN);
    const brokenDays = days.map((d) => healthyDay(BROKEN, d));
    expect(await api('POST', '/v1/metrics', { records: brokenDays })).toMatchObject({ rejected: [] });
    // A stored day the API would never accept (ingest refuses unsafe integers): reading it makes the evaluation throw.
    const unreadable = { ...brokenDays[5]!, ordersPlaced: 2n ** 60n } as unknown as DailyRecord;
    await stack.services.metrics.putDays([unreadable]);

    const failed = await cli(['runs', 'start', '--month', month, '--markets', 'TH', '--json']);
    expect(failed.code, failed.stderr).toBe(1);
    const run = onlyJson<{ runId: string }>(failed);
    expect(run).toEqual(await api('GET', `/v1/evaluations/${run.runId}`));
    expect(run).toMatchObject({ state: 'failed', shops: { evaluated: 3, failed: 1 }, failures: [{ shopId: BROKEN, message: expect.stringMatching(/not a safe integer/) }] });
    expect(failed.stderr).toContain(`run ${run.runId} failed: 1 shops failed: badges runs retry ${run.runId}`);

    // The day restated, the retry evaluates the failed shop only: its record is the retry's, the others' the failed run's.
    expect(await api('POST', '/v1/metrics', { records: [brokenDays[5]] })).toMatchObject({ accepted: 1 });
    const [shown, retry] = await Promise.all([cli(['runs', 'show', run.runId]), cli(['runs', 'retry', run.runId, '--json'])]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/state:\s+failed/);
    expect(shown.stdout).toMatch(new RegExp(`^${BROKEN}\\s+.*not a safe integer`, 'm'));
    expect(shown.stdout).toContain(`retry them: badges runs retry ${run.runId}`);

    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.stderr).toMatch(new RegExp(`retrying 1 failed shops of run ${run.runId}`));
    const again = onlyJson<{ runId: string }>(retry);
    expect(again).toEqual(await api('GET', `/v1/evaluations/${again.runId}`));
    expect(again).toMatchObject({ month, markets: ['TH'], dryRun: false, state: 'succeeded', shops: { evaluated: 1, awarded: 1, failed: 0 }, failures: [] });
    expect(await api('GET', `/v1/shops/${BROKEN}/eligibility?month=${month}`)).toMatchObject({ status: 'awarded', runId: again.runId });
    expect(await api('GET', `/v1/shops/${MID}/eligibility?month=${month}`)).toMatchObject({ runId: run.runId });
  });
});
