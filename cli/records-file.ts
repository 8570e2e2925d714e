/**
 * Daily records read from a file, one at a time with the line it starts on, so that a row the API rejects
 * can be pointed at in the operator's own file. NDJSON (one JSON object per line) or CSV (a header of the
 * contract's field names, then one record per row).
 */
import { createReadStream, type ReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export type FileFormat = 'ndjson' | 'csv';

/** A record as read, or why its row could not be read (it is then reported, never sent). */
export type SourceRow = { line: number; record: Record<string, unknown> } | { line: number; error: string };

/** Fields that stay text in CSV even when they look like numbers (a shop id such as 0042). */
const TEXT_FIELDS = new Set(['shopId', 'date', 'status']);
const NUMBER_RE = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function formatOf(file: string, firstLine: string): FileFormat {
  const lower = file.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl') || lower.endsWith('.json')) return 'ndjson';
  return firstLine.replace(/^\uFEFF/, '').trimStart().startsWith('{') ? 'ndjson' : 'csv';
}

/** A CSV cell as a record value: empty is null (an unknown gauge), numbers and true/false are typed. */
export function csvValue(field: string, cell: string): unknown {
  if (cell === '') return null;
  if (TEXT_FIELDS.has(field)) return cell;
  if (cell === 'true') return true;
  if (cell === 'false') return false;
  if (NUMBER_RE.test(cell)) return Number(cell);
  return cell;
}

/** The cells of one CSV row (RFC 4180: quoted cells may hold commas, doubled quotes and line breaks). */
export function csvCells(row: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < row.length; i++) {
    const ch = row[i];
    if (quoted) {
      if (ch === '"') {
        if (row[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells.map((c) => c.trim());
}

/** An odd number of quotes means a quoted cell goes on past this line. */
function quotesOpen(text: string): boolean {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 34) n++;
  return n % 2 === 1;
}

export interface RecordsFile {
  format: FileFormat;
  rows: AsyncGenerator<SourceRow>;
  /** Bytes read from the file so far (for a progress bar against the file's size). */
  bytesRead: () => number;
}

async function* ndjsonRows(lines: AsyncIterable<string>, firstLine: number): AsyncGenerator<SourceRow> {
  let line = firstLine - 1;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield { line, error: `not valid JSON: ${(error as Error).message}` };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) yield { line, error: 'a record must be a JSON object' };
    else yield { line, record: value as Record<string, unknown> };
  }
}

async function* csvRows(lines: AsyncIterable<string>, header: string): AsyncGenerator<SourceRow> {
  if (header.trim() === '') throw new Error('the CSV file has no header line (line 1 must name the fields)');
  const fields = csvCells(header);
  if (fields.some((f) => f === '')) throw new Error('the CSV header has an empty column name (line 1)');
  let line = 1;
  let pending = '';
  let startLine = 0;
  for await (const text of lines) {
    line++;
    if (pending === '') {
      if (text.trim() === '') continue;
      startLine = line;
      pending = text;
    } else pending += `\n${text}`;
    if (quotesOpen(pending)) continue;
    const cells = csvCells(pending);
    pending = '';
    if (cells.length !== fields.length) {
      yield { line: startLine, error: `${cells.length} cells where the header has ${fields.length}` };
      continue;
    }
    const record: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i++) record[fields[i] as string] = csvValue(fields[i] as string, cells[i] as string);
    yield { line: startLine, record };
  }
  if (pending !== '') yield { line: startLine, error: 'a quoted cell is never closed' };
}

/** Opens a file of records; the format comes from the extension, else from the first line. */
export async function openRecordsFile(file: string): Promise<RecordsFile> {
  const stream: ReadStream = createReadStream(file, { encoding: 'utf8' });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  const reader = createInterface({ input: stream, crlfDelay: Infinity });
  const lines = reader[Symbol.asyncIterator]();
  const first = await lines.next();
  const firstLine = first.done ? '' : first.value.replace(/^\uFEFF/, '');
  const format = formatOf(file, firstLine);
  const rest: AsyncIterable<string> = { [Symbol.asyncIterator]: () => lines };
  async function* withFirst(): AsyncGenerator<string> {
    if (!first.done) yield firstLine;
    yield* rest;
  }
  const rows = format === 'ndjson' ? ndjsonRows(withFirst(), 1) : csvRows(rest, firstLine);
  return { format, rows, bytesRead: () => stream.bytesRead };
}
