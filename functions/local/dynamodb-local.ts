/**
 * DynamoDB Local launcher for integration tests and the local server.
 *
 * The engine (DynamoDBLocal.jar + native libs) is taken from the npm package
 * `amplify-dynamodb-simulator`, which vendors the official AWS build in `emulator/`.
 * We only `npm pack` it (never install it), so it does not pollute package.json
 * and is fetched once into `<repoRoot>/.local/dynamodb-local/`.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, readlink, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

const ENGINE_PACKAGE = 'amplify-dynamodb-simulator';
const ENGINE_VERSION = '2.9.30';
const JAR_NAME = 'DynamoDBLocal.jar';
const NATIVE_LIB_DIR = 'DynamoDBLocal_lib';

const READY_TIMEOUT_MS = 60_000;
const READY_POLL_INTERVAL_MS = 200;
const READY_PROBE_TIMEOUT_MS = 2_000;
const STOP_GRACE_MS = 5_000;
const OUTPUT_LINES_KEPT = 40;

// A lock older than this is assumed abandoned even if we cannot tell whether its owner lives
// (e.g. created on another host sharing the folder). A real download takes seconds, not minutes.
const LOCK_STALE_MS = 10 * 60_000;
// A lock dir without an owner file is normal for a few ms (mkdir, then write); after this it is junk.
const LOCK_OWNERLESS_STALE_MS = 30_000;
const LOCK_WAIT_TIMEOUT_MS = 5 * 60_000;
const LOCK_POLL_INTERVAL_MS = 250;

const START_ATTEMPTS_ON_PORT_RACE = 3;

export interface DynamoDbLocalOptions {
  /**
   * The caller stops the engine itself on SIGINT/SIGTERM (the local server saves its data first);
   * the engine is then still killed when the process exits.
   */
  callerHandlesSignals?: boolean;
  /** Fixed port; by default a free one is picked. */
  port?: number;
  /** Persist data in this directory (shared DB file) instead of running in memory. */
  dbPath?: string;
}

export interface DynamoDbLocalHandle {
  endpoint: string;
  port: number;
  /** The java process's id (recorded in .local/dynamodb-local/engines/ while it runs). */
  pid: number;
  /** Terminates the engine (SIGTERM, then SIGKILL after 5 s); resolves once it has exited. */
  stop: () => Promise<void>;
}

/** The one way to build a client against DynamoDB Local, so every caller agrees on region/credentials. */
export function localClientConfig(endpoint: string): DynamoDBClientConfig {
  return {
    region: 'local',
    endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
}

// ---------------------------------------------------------------------------------------------
// Engine download / cache
// ---------------------------------------------------------------------------------------------

let enginePromise: Promise<string> | undefined;

/** Returns the directory containing DynamoDBLocal.jar, downloading it on first use. */
export function ensureEngine(): Promise<string> {
  // Memoised so concurrent callers in one process share a single fetch; cross-process
  // safety is handled by the lock + atomic rename inside fetchEngineOnce.
  enginePromise ??= fetchEngineOnce().catch((error: unknown) => {
    enginePromise = undefined; // let a later call retry, e.g. after the network comes back
    throw error;
  });
  return enginePromise;
}

async function fetchEngineOnce(): Promise<string> {
  const cacheDir = join(findRepoRoot(), '.local', 'dynamodb-local');
  // The version is part of the folder name so bumping ENGINE_VERSION re-fetches automatically.
  const engineDir = join(cacheDir, `${ENGINE_PACKAGE}-${ENGINE_VERSION}`);
  if (isEngineDir(engineDir)) return engineDir;

  await mkdir(cacheDir, { recursive: true });
  const lockDir = join(cacheDir, '.lock');
  await acquireLock(lockDir);
  try {
    // Another process may have finished the download while we waited for the lock.
    if (isEngineDir(engineDir)) return engineDir;
    await downloadEngineInto(cacheDir, engineDir);
    return engineDir;
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

function findRepoRoot(): string {
  // Walk up rather than hard-coding '../..' so this still works if the file is bundled elsewhere.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No package.json found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

function isEngineDir(dir: string): boolean {
  return existsSync(join(dir, JAR_NAME)) && existsSync(join(dir, NATIVE_LIB_DIR));
}

/**
 * Packs + extracts into a private temp dir, then renames the emulator folder into place.
 * The rename is atomic, so readers never see a half-extracted engine even if we crash mid-way
 * or (after a stale-lock takeover) two processes download at once.
 */
async function downloadEngineInto(cacheDir: string, engineDir: string): Promise<void> {
  const workDir = join(cacheDir, `tmp-${process.pid}-${randomUUID()}`);
  await mkdir(workDir, { recursive: true });
  try {
    const tarball = await npmPack(workDir);
    const extracted = await extractEmulator(tarball, workDir);
    try {
      await rename(extracted, engineDir);
    } catch (error) {
      // Someone else won the race with a complete copy: theirs is as good as ours.
      if (!isEngineDir(engineDir)) throw error;
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

async function npmPack(destination: string): Promise<string> {
  const spec = `${ENGINE_PACKAGE}@${ENGINE_VERSION}`;
  const result = await runCommand('npm', ['pack', spec, '--pack-destination', destination], findRepoRoot());
  if (result.spawnError || result.code !== 0) {
    throw new Error(
      `Could not download DynamoDB Local: \`npm pack ${spec}\` failed ` +
        `(${result.spawnError ? `npm not runnable: ${result.spawnError.message}` : `exit code ${result.code}`}). ` +
        'It needs npm on PATH and access to the npm registry (check proxy settings / .npmrc).\n' +
        result.output,
    );
  }
  const tarballs = (await readdir(destination)).filter((name) => name.endsWith('.tgz'));
  if (tarballs.length !== 1) {
    throw new Error(`npm pack ${spec} produced ${tarballs.length} tarballs in ${destination}; expected 1.`);
  }
  return join(destination, tarballs[0] as string);
}

/** Extracts only package/emulator/ (the package also carries unrelated JS we never need). */
async function extractEmulator(tarball: string, workDir: string): Promise<string> {
  const extractDir = join(workDir, 'x');
  await mkdir(extractDir);
  const result = await runCommand('tar', ['-xzf', tarball, '-C', extractDir, 'package/emulator'], workDir);
  if (result.spawnError || result.code !== 0) {
    throw new Error(
      `Could not extract DynamoDB Local from ${tarball} ` +
        `(${result.spawnError ? `tar not runnable: ${result.spawnError.message}; install GNU tar or bsdtar` : `tar exit code ${result.code}`}).\n` +
        result.output,
    );
  }
  const emulatorDir = join(extractDir, 'package', 'emulator');
  if (!isEngineDir(emulatorDir)) {
    throw new Error(
      `${ENGINE_PACKAGE}@${ENGINE_VERSION} did not contain emulator/${JAR_NAME} and emulator/${NATIVE_LIB_DIR}; ` +
        'the package layout changed — pick another version.',
    );
  }
  return emulatorDir;
}

interface CommandResult {
  code: number | null;
  output: string;
  spawnError?: Error;
}

function runCommand(command: string, args: string[], cwd: string): Promise<CommandResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = new OutputTail(OUTPUT_LINES_KEPT);
    output.attach(child);
    child.once('error', (spawnError) => resolvePromise({ code: null, output: output.text(), spawnError }));
    child.once('close', (code) => resolvePromise({ code, output: output.text() }));
  });
}

// ---------------------------------------------------------------------------------------------
// Cross-process lock: `mkdir` is atomic, so exactly one process creates the lock dir.
// ---------------------------------------------------------------------------------------------

interface LockOwner {
  pid: number;
  host: string;
  createdAt: number;
}

async function acquireLock(lockDir: string): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_TIMEOUT_MS;
  for (;;) {
    if (await tryCreateLock(lockDir)) return;
    if (await isLockStale(lockDir)) {
      await breakStaleLock(lockDir);
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${lockDir}; if no other test run is downloading, delete it.`);
    }
    await sleep(LOCK_POLL_INTERVAL_MS);
  }
}

async function tryCreateLock(lockDir: string): Promise<boolean> {
  try {
    await mkdir(lockDir);
  } catch (error) {
    if (isErrnoException(error) && error.code === 'EEXIST') return false;
    throw error;
  }
  const owner: LockOwner = { pid: process.pid, host: hostname(), createdAt: Date.now() };
  await writeFile(join(lockDir, 'owner.json'), JSON.stringify(owner));
  return true;
}

async function isLockStale(lockDir: string): Promise<boolean> {
  const owner = await readLockOwner(lockDir);
  if (owner === 'gone') return false; // released meanwhile; the next mkdir will tell
  if (owner === 'unknown') {
    const mtime = await stat(lockDir).then((s) => s.mtimeMs, () => Date.now());
    return Date.now() - mtime > LOCK_OWNERLESS_STALE_MS;
  }
  if (Date.now() - owner.createdAt > LOCK_STALE_MS) return true;
  // A crashed owner on this machine is detectable right away; no need to wait for the age limit.
  return owner.host === hostname() && processGone(owner.pid);
}

async function readLockOwner(lockDir: string): Promise<LockOwner | 'unknown' | 'gone'> {
  if (!existsSync(lockDir)) return 'gone';
  try {
    return JSON.parse(await readFile(join(lockDir, 'owner.json'), 'utf8')) as LockOwner;
  } catch {
    return 'unknown'; // not written yet, or truncated by a crash mid-write
  }
}

async function breakStaleLock(lockDir: string): Promise<void> {
  // Rename, then delete: rename is atomic, so when two waiters both judge the lock stale only one
  // of them removes it, instead of the slower one deleting a lock the faster one just re-created.
  const graveyard = `${lockDir}.stale-${randomUUID()}`;
  try {
    await rename(lockDir, graveyard);
  } catch {
    return; // someone else broke (or released) it first
  }
  await rm(graveyard, { recursive: true, force: true });
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0 = existence check only
    return true;
  } catch (error) {
    // EPERM means it exists but belongs to someone else.
    return isErrnoException(error) && error.code === 'EPERM';
  }
}

/**
 * Whether `pid` has exited: no such process, or (Linux) a zombie that holds nothing any more and waits for
 * its parent to collect it. An orphaned engine's parent is init, which may collect it late.
 */
export function processGone(pid: number): boolean {
  if (!isProcessAlive(pid)) return true;
  if (process.platform !== 'linux') return false;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return true; // gone since
  }
  return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

/** How long a start waits for an abandoned engine it killed to be gone (a JVM with a large heap exits slowly). */
const ABANDONED_EXIT_TIMEOUT_MS = 15_000;

/** Polls until `pid` is gone (no event tells of a process that is not our child); false at the deadline. */
async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!processGone(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}

// ---------------------------------------------------------------------------------------------
// Running the engine
// ---------------------------------------------------------------------------------------------

export async function startDynamoDbLocal(opts: DynamoDbLocalOptions = {}): Promise<DynamoDbLocalHandle> {
  const engineDir = await ensureEngine();
  if (opts.dbPath) await mkdir(resolve(opts.dbPath), { recursive: true });
  await stopAbandonedEngines();

  // DynamoDB Local does not fail when its port is taken: it logs nothing and idles, and our probe
  // would then talk to whatever owns the port. So refuse a busy fixed port up front.
  if (opts.port !== undefined && !(await isPortFree(opts.port))) {
    throw new Error(`Port ${opts.port} is already in use; stop whatever listens there or omit the port.`);
  }
  // With an auto-picked port another process can grab it between our probe and java's bind;
  // retrying with a fresh port is cheaper than any cross-process port reservation scheme.
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await findFreePort());
    try {
      return await launch(engineDir, port, opts.dbPath, opts.callerHandlesSignals);
    } catch (error) {
      const canRetry = opts.port === undefined && attempt < START_ATTEMPTS_ON_PORT_RACE;
      if (!(canRetry && error instanceof PortInUseError)) throw error;
    }
  }
}

class PortInUseError extends Error {}

function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    // No host: bind the wildcard address like java does, so a port taken on any interface is skipped.
    server.listen(0, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolveFree(false));
    server.listen(port, () => server.close(() => resolveFree(true)));
  });
}

/**
 * Linux only (undefined elsewhere): whether the socket listening on `port` belongs to `pid`.
 * Needed because a java that silently failed to bind looks ready if another DynamoDB Local
 * (e.g. a parallel vitest worker that got the same auto-picked port) answers in its place.
 */
async function isListeningProcess(pid: number, port: number): Promise<boolean | undefined> {
  const listening = await listeningSocketInodes(port);
  if (listening === undefined) return undefined;
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
  for (const fd of fds) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode !== undefined && listening.has(inode)) return true;
  }
  return false;
}

async function listeningSocketInodes(port: number): Promise<Set<string> | undefined> {
  const tables = await Promise.all(
    ['/proc/net/tcp', '/proc/net/tcp6'].map((file) => readFile(file, 'utf8').catch(() => undefined)),
  );
  if (tables.every((table) => table === undefined)) return undefined;
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const line of tables.flatMap((table) => table?.split('\n').slice(1) ?? [])) {
    // Columns: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
    const [, local, , state, , , , , , inode] = line.trim().split(/\s+/);
    if (state === '0A' /* LISTEN */ && local?.endsWith(`:${portHex}`) && inode) inodes.add(inode);
  }
  return inodes;
}

function engineArgs(engineDir: string, port: number, dbPath: string | undefined): string[] {
  // -sharedDb: one database regardless of the caller's region/access key, so tools configured
  // differently (AWS CLI, NoSQL Workbench) see the same tables as our clients.
  const storage = dbPath ? ['-sharedDb', '-dbPath', resolve(dbPath)] : ['-inMemory', '-sharedDb'];
  return [
    `-Djava.library.path=${join(engineDir, NATIVE_LIB_DIR)}`,
    '-jar',
    join(engineDir, JAR_NAME),
    ...storage,
    '-port',
    String(port),
    // DynamoDB Local >= 1.24 phones home by default; tests must not depend on or leak to the network.
    '-disableTelemetry',
  ];
}

function javaBinary(): string {
  // Honour JAVA_HOME like other Java tooling does, so a machine with several JDKs picks the intended one.
  const javaHome = process.env.JAVA_HOME;
  if (javaHome) {
    const candidate = join(javaHome, 'bin', process.platform === 'win32' ? 'java.exe' : 'java');
    if (existsSync(candidate)) return candidate;
  }
  return 'java';
}

/**
 * The engine runs under a tiny sh watchdog that holds our stdin pipe: when this process dies in any way
 * (kill -9 included), the pipe hits end-of-file and the watchdog kills java. Node cannot ask the kernel
 * for a parent-death signal (prctl), and a detached engine would otherwise outlive us. The watchdog
 * prints java's pid first, and exits with java's exit code.
 */
const WATCHDOG = [
  'exec 3<&0',
  '"$@" 3<&- </dev/null &',
  'engine=$!',
  'echo "engine-pid $engine"',
  '( read _ <&3; kill -9 $engine 2>/dev/null ) 3<&3 &',
  'watcher=$!',
  'exec 3<&-',
  'wait $engine',
  'code=$?',
  'kill $watcher 2>/dev/null',
  'exit $code',
].join('\n');
const ENGINE_PID_LINE = /^engine-pid (\d+)$/m;

function spawnEngine(engineDir: string, args: string[], detached: boolean): ChildProcess {
  if (process.platform === 'win32') {
    // No sh: the exit handlers below are all there is (a kill -9 of node can orphan java here).
    return spawn(javaBinary(), args, { cwd: engineDir, stdio: ['pipe', 'pipe', 'pipe'], detached });
  }
  return spawn('sh', ['-c', WATCHDOG, 'dynamodb-local-watchdog', javaBinary(), ...args], {
    cwd: engineDir,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached,
  });
}

/** Java's pid: printed by the watchdog as its first line (the child itself is java on Windows). */
function enginePid(child: ChildProcess, exited: Promise<ExitInfo>): Promise<number | undefined> {
  if (process.platform === 'win32') return Promise.resolve(child.pid);
  return new Promise((resolvePid) => {
    let seen = '';
    const onData = (chunk: Buffer | string): void => {
      seen += chunk.toString();
      const match = ENGINE_PID_LINE.exec(seen);
      if (match) {
        child.stdout?.off('data', onData);
        resolvePid(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    void exited.then(() => resolvePid(undefined));
  });
}

async function launch(engineDir: string, port: number, dbPath: string | undefined, callerHandlesSignals = false): Promise<DynamoDbLocalHandle> {
  // A caller that stops the engine itself keeps it out of the terminal's process group, so Ctrl-C
  // reaches only the caller, which saves its data and then stops the engine (and kills it on exit).
  const child = spawnEngine(engineDir, engineArgs(engineDir, port, dbPath), callerHandlesSignals);
  const output = new OutputTail(OUTPUT_LINES_KEPT);
  output.attach(child);
  const exited = watchExit(child);
  const pidKnown = enginePid(child, exited);
  trackChild(child, !callerHandlesSignals, pidKnown);
  const record = pidKnown.then((pid) => (pid === undefined ? undefined : recordEngine(pid, port)));
  // Once the engine is gone its record goes too (a record left by a crash is swept at the next start).
  const forgotten = exited.then(async () => {
    const file = await record.catch(() => undefined);
    if (file) await rm(file, { force: true });
  });

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = memoise(async () => {
    await stopChild(child, exited, pidKnown);
    await forgotten;
  });
  // Aborted once the race is decided, so the poller does not keep probing a dead engine for 60 s.
  const polling = new AbortController();
  let pid: number | undefined;
  try {
    await Promise.race([
      waitUntilReady(endpoint, output, polling.signal),
      exited.then((exit) => Promise.reject(earlyExitError(exit, output, port))),
    ]);
    pid = await pidKnown;
    if (pid === undefined || (await isListeningProcess(pid, port)) === false) {
      throw new PortInUseError(`Port ${port} answered, but not from our DynamoDB Local (pid ${pid}).`);
    }
    await record;
  } catch (error) {
    await stop(); // never leave a half-started engine behind
    throw error;
  } finally {
    polling.abort();
  }
  return { endpoint, port, pid, stop };
}

// ---------------------------------------------------------------------------------------------
// Engines whose owner died: a pid file per running engine, swept at every start
// ---------------------------------------------------------------------------------------------

interface EngineRecord {
  enginePid: number;
  port: number;
  host: string;
  ownerPid: number;
  /** The owner's start time (Linux /proc), so a recycled owner pid is not mistaken for the owner. */
  ownerStart?: string;
}

function enginesDir(): string {
  return join(findRepoRoot(), '.local', 'dynamodb-local', 'engines');
}

async function processStart(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // Field 22 (starttime); fields are counted after the command name, which may contain spaces.
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

async function recordEngine(enginePid: number, port: number): Promise<string> {
  await mkdir(enginesDir(), { recursive: true });
  const file = join(enginesDir(), `${enginePid}.json`);
  const record: EngineRecord = { enginePid, port, host: hostname(), ownerPid: process.pid, ownerStart: await processStart(process.pid) };
  await writeFile(file, JSON.stringify(record));
  return file;
}

async function ownerAlive(record: EngineRecord): Promise<boolean> {
  // A killed owner can linger as a zombie until init collects it: that owner is dead.
  if (processGone(record.ownerPid)) return false;
  if (record.ownerStart === undefined) return true;
  const start = await processStart(record.ownerPid);
  return start === undefined || start === record.ownerStart;
}

/** Whether `pid` is still the DynamoDB Local we recorded (same jar, same port), not a recycled pid. */
async function isRecordedEngine(record: EngineRecord): Promise<boolean> {
  const cmdline = await readFile(`/proc/${record.enginePid}/cmdline`, 'utf8').catch(() => undefined);
  if (cmdline === undefined) return false;
  const args = cmdline.split('\0');
  const portAt = args.indexOf('-port');
  return args.some((arg) => arg.endsWith(JAR_NAME)) && portAt >= 0 && args[portAt + 1] === String(record.port);
}

/**
 * Stops every engine recorded by a process that is gone (its watchdog too was killed, or the platform
 * has none), and forgets records of engines that are gone. Under a lock, so two starts do not race.
 */
export async function stopAbandonedEngines(): Promise<number[]> {
  const dir = enginesDir();
  if (!existsSync(dir)) return [];
  const lockDir = join(dir, '..', '.engines.lock');
  await acquireLock(lockDir);
  const stopped: number[] = [];
  try {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (!name.endsWith('.json')) continue;
      const file = join(dir, name);
      let record: EngineRecord;
      try {
        record = JSON.parse(await readFile(file, 'utf8')) as EngineRecord;
      } catch {
        continue; // being written by its owner right now
      }
      if (record.host !== hostname() || (await ownerAlive(record))) continue;
      if (!processGone(record.enginePid) && (await isRecordedEngine(record))) {
        process.kill(record.enginePid, 'SIGKILL');
        // Gone before this start goes on: its memory and its port are free, and a caller that asks sees it.
        if (!(await waitGone(record.enginePid, ABANDONED_EXIT_TIMEOUT_MS))) throw new Error(`DynamoDB Local ${record.enginePid} (abandoned) did not exit after SIGKILL`);
        stopped.push(record.enginePid);
      }
      await rm(file, { force: true });
    }
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
  return stopped;
}

interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  spawnError?: Error;
}

/** Resolves once the process is gone, whether it exited, was killed or never started. */
function watchExit(child: ChildProcess): Promise<ExitInfo> {
  return new Promise((resolveExit) => {
    child.once('exit', (code, signal) => resolveExit({ code, signal }));
    // 'error' with no 'exit' happens when the binary is missing (ENOENT).
    child.once('error', (spawnError) => resolveExit({ code: null, signal: null, spawnError }));
  });
}

function earlyExitError(exit: ExitInfo, output: OutputTail, port: number): Error {
  if (exit.spawnError || exit.code === 127 /* sh: java not found */) {
    return new Error(
      `Could not run java (${exit.spawnError?.message ?? output.text()}). DynamoDB Local needs a Java runtime, 17 recommended: ` +
        'e.g. `apt-get install openjdk-17-jre-headless` or `brew install openjdk@17`, or set JAVA_HOME.',
    );
  }
  const text = output.text();
  const message =
    `DynamoDB Local exited before it was ready (code ${exit.code}, signal ${exit.signal}) on port ${port}.\n` +
    `Last output:\n${text}`;
  // 1.25.1 idles instead of exiting on a busy port (see isListeningProcess); kept for versions that exit.
  if (/BindException|Address already in use/i.test(text)) return new PortInUseError(message);
  if (/UnsupportedClassVersionError/.test(text)) {
    return new Error(`${message}\nThe installed java is too old: install Java 17 (e.g. openjdk-17-jre-headless).`);
  }
  return new Error(message);
}

async function waitUntilReady(endpoint: string, output: OutputTail, cancel: AbortSignal): Promise<void> {
  // A real API call, not just a TCP connect: Jetty accepts connections before the DB layer is up.
  const client = new DynamoDBClient({ ...localClientConfig(endpoint), maxAttempts: 1 });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    while (!cancel.aborted) {
      try {
        await probeOnce(client, cancel);
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          throw new Error(
            `Timed out after ${READY_TIMEOUT_MS} ms waiting for DynamoDB Local at ${endpoint}: ${String(error)}\n` +
              `Last output:\n${output.text()}`,
          );
        }
      }
      await sleep(READY_POLL_INTERVAL_MS, undefined, { signal: cancel }).catch(() => undefined);
    }
  } finally {
    client.destroy();
  }
}

/**
 * One ListTables call bounded by READY_PROBE_TIMEOUT_MS. Deliberately not
 * `AbortSignal.any([cancel, AbortSignal.timeout(ms)])`: Node 20 can garbage-collect the timeout
 * signal inside `any()` so it never fires (nodejs/node#57736), and a probe against a socket that
 * accepts but never answers then hangs forever. A plain timer is strongly referenced.
 */
async function probeOnce(client: DynamoDBClient, cancel: AbortSignal): Promise<void> {
  const probe = new AbortController();
  const abortProbe = (): void => probe.abort();
  const timer = setTimeout(abortProbe, READY_PROBE_TIMEOUT_MS);
  cancel.addEventListener('abort', abortProbe, { once: true });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: probe.signal });
  } finally {
    clearTimeout(timer);
    cancel.removeEventListener('abort', abortProbe);
  }
}

async function stopChild(child: ChildProcess, exited: Promise<ExitInfo>, pidKnown: Promise<number | undefined>): Promise<void> {
  if (hasExited(child)) return;
  // The watchdog exits once java has; java normally exits promptly on SIGTERM.
  const pid = await Promise.race([pidKnown, exited.then(() => undefined)]);
  const signal = (name: NodeJS.Signals): void => {
    if (pid !== undefined && pid !== child.pid) killQuietly(pid, name);
    else child.kill(name);
  };
  signal('SIGTERM');
  // SIGKILL covers a wedged shutdown hook; closing the watchdog's stdin kills java too.
  const escalation = setTimeout(() => {
    signal('SIGKILL');
    child.stdin?.destroy();
  }, STOP_GRACE_MS);
  try {
    await exited;
  } finally {
    clearTimeout(escalation);
  }
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
}

function memoise<T>(fn: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= fn());
}

/** Keeps the last N lines of a child's stdout+stderr for error messages; also keeps the pipes drained. */
class OutputTail {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(private readonly maxLines: number) {}

  attach(child: ChildProcess): void {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.push(chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.push(chunk));
  }

  text(): string {
    return [...this.lines, this.partial].filter(Boolean).join('\n');
  }

  private push(chunk: string): void {
    const pieces = (this.partial + chunk).split(/\r?\n/);
    this.partial = pieces.pop() ?? '';
    this.lines.push(...pieces);
    if (this.lines.length > this.maxLines) this.lines.splice(0, this.lines.length - this.maxLines);
  }
}

// ---------------------------------------------------------------------------------------------
// Orphan prevention
// ---------------------------------------------------------------------------------------------

interface ChildRegistry {
  children: Set<ChildProcess>;
  /** Java's pid behind each child (the child is the watchdog). */
  enginePids?: Map<ChildProcess, number>;
  /** Children the caller stops itself on a signal (killed on process exit only). */
  signalExempt?: Set<ChildProcess>;
}

// Shared through globalThis because test runners may load this module many times in one process
// (vitest re-imports per test file); one registry means one set of process handlers, not N.
const REGISTRY_KEY = Symbol.for('seller-badges.dynamodb-local.children');

function childRegistry(): ChildRegistry {
  const holder = globalThis as { [REGISTRY_KEY]?: ChildRegistry };
  let registry = holder[REGISTRY_KEY];
  if (!registry) {
    registry = { children: new Set() };
    holder[REGISTRY_KEY] = registry;
    installExitHandlers(registry);
  }
  return registry;
}

function trackChild(child: ChildProcess, killOnSignal: boolean, pidKnown: Promise<number | undefined>): void {
  const registry = childRegistry();
  registry.signalExempt ??= new Set();
  registry.enginePids ??= new Map();
  const exempt = registry.signalExempt;
  const pids = registry.enginePids;
  registry.children.add(child);
  if (!killOnSignal) exempt.add(child);
  void pidKnown.then((pid) => {
    if (pid !== undefined && registry.children.has(child)) pids.set(child, pid);
  });
  const forget = () => {
    registry.children.delete(child);
    exempt.delete(child);
    pids.delete(child);
  };
  child.once('exit', forget);
  child.once('error', forget);
}

function installExitHandlers(registry: ChildRegistry): void {
  // 'exit' listeners must be synchronous: there is no event loop left to wait for java's exit.
  // SIGKILL is safe even for -dbPath data: the engine stores it in SQLite, which is crash-safe.
  const kill = (child: ChildProcess): void => {
    const pid = registry.enginePids?.get(child);
    if (pid !== undefined) killQuietly(pid, 'SIGKILL');
    child.kill('SIGKILL');
  };
  const killAll = (): void => {
    for (const child of registry.children) kill(child);
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = (): void => {
      // Kill even when other listeners exist: tsx and test runners install their own signal
      // handlers, so "someone else will clean up" cannot be inferred from listenerCount.
      for (const child of registry.children) if (!registry.signalExempt?.has(child)) kill(child);
      process.off(signal, onSignal);
      // Listening for a signal disables Node's default "terminate"; restore it unless someone
      // else (e.g. the local server's graceful shutdown) has taken responsibility for it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}
