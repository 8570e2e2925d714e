/// <reference lib="dom" />
/**
 * The Seller Center badge module (contract: "Seller Center page"). Plain DOM, no framework: the token
 * comes in the fragment (#token=...), is kept in sessionStorage for this tab and dropped from the address
 * bar; the shop is `?shop=` (operators) or the token's shop_id claim; `?month=YYYY-MM` picks the month.
 * The page reads the API on its own origin and shows everything at once: badge, eligibility criterion by
 * criterion, revocation, projection with what is needed in plain words, and the last 12 months.
 */
import { MARKETS, type Market } from '../../shared/domain/markets';
import { escapeHtml as esc } from '../escape';
import { adviceFor, type Criterion, type Formatters, type Projection } from './advice';

interface Badge {
  program: string;
  label: string;
  month: string;
  validFrom: string;
  validUntil: string;
  stale: boolean;
}
interface Program {
  program: string;
  label: string;
  eligible: boolean;
  excludedBy: string | null;
  criteria: Criterion[];
}
interface Eligibility {
  shopId: string;
  market: Market;
  month: string;
  period: { from: string; to: string; timeZone: string };
  status: 'awarded' | 'not-eligible' | 'revoked' | 'pending';
  badge: Badge | null;
  programs: Program[];
  revocation: { at: string; reason: string } | null;
}
interface History {
  months: { month: string; status: string; badge: Badge | null }[];
}

const TOKEN_KEY = 'seller-badges:token';
const $ = (id: string) => document.getElementById(id)!;

/** The token: from the fragment (then removed from the address bar and history), else this tab's copy. */
function takeToken(): string | null {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const fromUrl = fragment.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    history.replaceState(history.state, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function claims(token: string): Record<string, unknown> {
  try {
    const payload = token.split('.')[1] ?? '';
    const bytes = Uint8Array.from(atob(payload.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return {};
  }
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function api<T>(path: string, token: string): Promise<T> {
  const res = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json().catch(() => null)) as (T & { error?: { message: string } }) | null;
  if (!res.ok) throw new ApiError(res.status, body?.error?.message ?? `HTTP ${res.status}`);
  return body as T;
}

// ---- formatting ------------------------------------------------------------------------------

const LOCALE = 'en';
const dateFmt = new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
/** A market-local date (YYYY-MM-DD) as words: 26 Sep 2026. */
const localDay = (date: string) => dateFmt.format(Date.parse(`${date}T12:00:00Z`));
const monthName = (month: string) =>
  new Intl.DateTimeFormat(LOCALE, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(Date.parse(`${month}-15T12:00:00Z`));
const instantIn = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone, timeZoneName: 'short' }).format(new Date(iso));

function formatters(market: Market): Formatters {
  const { currency, minorUnits } = MARKETS[market];
  const money = new Intl.NumberFormat(LOCALE, { style: 'currency', currency, minimumFractionDigits: minorUnits, maximumFractionDigits: minorUnits });
  const percent = new Intl.NumberFormat(LOCALE, { style: 'percent', maximumFractionDigits: 2 });
  const num = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 2 });
  const value = (metric: string, v: unknown): string => {
    if (v === null || v === undefined) return 'no data';
    if (typeof v === 'boolean') return v ? 'yes' : 'no';
    if (typeof v !== 'number') return String(v);
    if (metric === 'gmv' || metric === 'gmv365d') return money.format(v / 10 ** minorUnits);
    if (/Rate|Share/.test(metric)) return percent.format(v);
    return num.format(v);
  };
  return { money: (minor) => money.format(minor / 10 ** minorUnits), value };
}

const OPS: Record<string, string> = { '>=': 'at least', '>': 'above', '<': 'below', '<=': 'at most', '=': 'exactly', held: 'holds' };

function statusWord(status: string): string {
  return { awarded: 'Awarded', 'not-eligible': 'Not eligible', revoked: 'Revoked', pending: 'Not evaluated yet' }[status] ?? status;
}

const badgeChip = (b: Badge | null) =>
  b ? `<span class="badge">${esc(b.label)}</span>` : '<span class="none">No badge</span>';

function criteriaTable(program: Program, f: Formatters): string {
  if (program.excludedBy) return `<p class="muted">Not assessed: shops holding ${esc(program.excludedBy)} are excluded from ${esc(program.label)}.</p>`;
  const rows = program.criteria.map((c) => {
    const alternatives = c.anyOf && c.anyOf.length > 1 ? c.anyOf : [c];
    const actual = alternatives.map((a) => f.value(a.metric, a.actual)).join(' or ');
    const threshold = alternatives.map((a) => (a.metric === 'certification' ? `holds the ${a.threshold} certification` : `${OPS[a.op] ?? a.op} ${f.value(a.metric, a.threshold)}`)).join(' or ');
    return `<tr><td>${esc(c.label)}</td><td class="num">${esc(actual)}</td><td class="num">${esc(threshold)}</td><td class="${c.passed ? 'pass' : 'fail'}">${c.passed ? '✓ Pass' : '✗ Fail'}</td></tr>`;
  });
  return `<table><thead><tr><th scope="col">Criterion</th><th scope="col">Actual</th><th scope="col">Threshold</th><th scope="col">Result</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function periodText(p: Eligibility['period']): string {
  return `${localDay(p.from)} – ${localDay(p.to)} (${p.timeZone} time)`;
}

// ---- sections --------------------------------------------------------------------------------

function renderBadge(badge: Badge | null, market: Market): void {
  const tz = MARKETS[market].timeZone;
  $('badge').innerHTML =
    '<h2 id="badge-h">Your badge now</h2>' +
    (badge
      ? `<p>${badgeChip(badge)} for ${esc(monthName(badge.month))}</p><p class="muted">Shown to buyers from ${esc(instantIn(badge.validFrom, tz))} until ${esc(instantIn(badge.validUntil, tz))}${badge.stale ? ' (last month’s badge, shown while this month is evaluated)' : ''}.</p>`
      : '<p><span class="none">No badge</span></p><p class="muted">Buyers see no badge on your shop this month.</p>');
}

function renderEligibility(e: Eligibility, f: Formatters): void {
  const revocation = e.revocation
    ? `<p class="alert"><strong>Badge revoked</strong> on ${esc(instantIn(e.revocation.at, e.period.timeZone))}. Reason: ${esc(e.revocation.reason)}</p>`
    : '';
  const programs = e.programs.length
    ? e.programs
        .map((p) => `<h3>${esc(p.label)} <span class="${p.eligible ? 'pass' : 'fail'}">${p.eligible ? 'eligible' : 'not eligible'}</span></h3>${criteriaTable(p, f)}`)
        .join('')
    : `<p class="muted">${e.status === 'pending' ? 'This month has not been evaluated yet.' : 'No program of your market applies this month.'}</p>`;
  $('eligibility').innerHTML =
    `<h2 id="eligibility-h">Eligibility for ${esc(monthName(e.month))}: ${esc(statusWord(e.status))}</h2>` +
    `<p>Assessment period: <strong>${esc(periodText(e.period))}</strong>. Only orders and ratings of these dates count for this month.</p>` +
    revocation +
    programs;
}

function renderProjection(p: Projection & Eligibility, f: Formatters): void {
  // A program that needs a certification the shop lacks (Mall, Official Shop...) is not won by selling more.
  const failing = p.programs.filter(
    (prog) => !prog.excludedBy && prog.criteria.some((c) => !c.passed) && !prog.criteria.some((c) => c.metric === 'certification' && !c.passed),
  );
  const todo = failing.flatMap((prog) =>
    prog.criteria.filter((c) => !c.passed).map((c) => `<li><strong>${esc(prog.label)}</strong>: ${esc(adviceFor(c, p, prog.criteria, f))}</li>`),
  );
  const winner = p.badge ? `On track for ${badgeChip(p.badge)} in ${esc(monthName(p.month))}.` : `Not on track for a badge in ${esc(monthName(p.month))} yet.`;
  $('projection').innerHTML =
    '<h2 id="projection-h">If we evaluated today</h2>' +
    `<p>${winner}</p>` +
    `<p class="muted">Period ${esc(periodText(p.period))}; <strong>${p.daysLeft} day${p.daysLeft === 1 ? '' : 's'} left</strong>; data up to ${p.asOf ? esc(localDay(p.asOf)) : 'none yet'}.</p>` +
    (todo.length
      ? `<h3>What is needed</h3><ul class="todo">${todo.join('')}</ul>`
      : p.programs.length === 0
        ? '<p class="muted">No badge program runs in your market yet.</p>'
        : p.badge
          ? '<p class="pass">Every criterion passes so far.</p>'
          : '<p class="muted">The badges of your market need a certification (such as Mall): selling more does not earn them.</p>');
}

function renderHistory(h: History): void {
  const rows = h.months.map((m) => `<tr><td>${esc(monthName(m.month))}</td><td>${esc(statusWord(m.status))}</td><td>${badgeChip(m.badge)}</td></tr>`);
  $('history').innerHTML =
    '<h2 id="history-h">Last 12 months</h2>' +
    `<table><thead><tr><th scope="col">Month</th><th scope="col">Status</th><th scope="col">Badge</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function fail(message: string): void {
  $('status').innerHTML = `<span class="alert">${esc(message)}</span>`;
  for (const id of ['badge', 'projection', 'eligibility', 'history']) $(id).querySelector('p.muted')?.remove();
}

async function main(): Promise<void> {
  const token = takeToken();
  if (!token) return fail('Open this page from Seller Center: the link carries your sign-in (#token=...).');
  const params = new URLSearchParams(location.search);
  const shopId = params.get('shop') ?? (claims(token).shop_id as string | undefined);
  if (!shopId) return fail('This token is not a seller’s: add ?shop=<shop id> to the address to open a shop.');
  const month = params.get('month');
  const id = encodeURIComponent(shopId);
  try {
    const [elig, proj, hist, current] = await Promise.all([
      api<Eligibility>(`/v1/shops/${id}/eligibility${month ? `?month=${encodeURIComponent(month)}` : ''}`, token),
      api<Projection & Eligibility>(`/v1/shops/${id}/projection`, token),
      api<History>(`/v1/shops/${id}/history?limit=12`, token),
      api<{ badge: Badge | null }>(`/v1/shops/${id}/badge`, token),
    ]);
    const f = formatters(elig.market);
    $('shop').textContent = `${shopId} · ${elig.market} · ${MARKETS[elig.market].currency} · ${elig.period.timeZone}`;
    renderBadge(current.badge, elig.market);
    renderEligibility(elig, f);
    renderProjection(proj, f);
    renderHistory(hist);
  } catch (error) {
    const status = error instanceof ApiError ? error.status : 0;
    fail(
      status === 401
        ? 'Your sign-in has expired: open this page again from Seller Center.'
        : status === 403
          ? 'This sign-in does not open this shop.'
          : `Could not load the badge data: ${(error as Error).message}`,
    );
  }
}

void main();
