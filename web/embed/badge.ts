/// <reference lib="dom" />
/**
 * `<seller-badge shop-id="th-000123">`: the storefront element (contract: "Storefront element").
 *
 * - Every element on the page, and any added later, is looked up through GET /v1/badges: ids asked for in
 *   the same task are gathered (setTimeout 0 runs after the task and all its microtasks) and sent 100
 *   distinct ids per call. Answers are kept per API and shop, so a re-added element asks nothing.
 * - The API is this script's own origin, or the element's `api` attribute.
 * - Nothing moves: the host itself is out of the flow (absolutely positioned where it stands, no width,
 *   no height), so it never opens a line box (an in-flow inline-block alone in a block would add a line
 *   of height when the script upgrades it), and the badge is drawn from there. A page that wants the badge
 *   in the flow gives the element a position and size of its own (page styles win over :host).
 * - No badge, a malformed id or a failed call: nothing is rendered, and nothing is thrown at the page.
 * - Styling: ::part(badge | icon | label | signals | signal) and --seller-badge-* custom properties.
 */
import { escapeHtml as escape } from '../escape';
import { pageLang, programLabel, WORDS, type Lang } from './i18n';

interface Badge {
  program: string;
  label: string;
  month: string;
}

interface Signal {
  value: number;
  events: number;
}
type Signals = Record<'onTimeDispatchRate' | 'chatReplyRate24h' | 'positiveRatingRate', Signal | null>;

const SHOP_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BATCH = 100;
const ORIGIN = new URL(import.meta.url).origin;

const HOST_STYLE = ':host{position:absolute;width:0;height:0;overflow:visible}';
const STYLE = `${HOST_STYLE}
[part=badge]{position:absolute;left:var(--seller-badge-left,0);top:var(--seller-badge-top,0);z-index:var(--seller-badge-z,1);display:flex;flex-direction:column;gap:2px;align-items:flex-start;white-space:nowrap;font:600 var(--seller-badge-font-size,12px)/1.3 var(--seller-badge-font,system-ui,sans-serif)}
[part=label]{display:inline-flex;align-items:center;gap:4px;padding:2px 7px 2px 5px;border-radius:var(--seller-badge-radius,4px);background:var(--seller-badge-background,#b3261e);color:var(--seller-badge-color,#fff);box-shadow:0 1px 2px #0003}
[part=icon]{width:1em;height:1em;fill:currentColor}
[part=signals]{display:flex;flex-direction:column;padding:2px 6px;border-radius:var(--seller-badge-radius,4px);background:var(--seller-badge-signals-background,#fff);color:var(--seller-badge-signals-color,#1f1f1f);font-weight:400;box-shadow:0 1px 2px #0003}`;

const ICON = '<svg part="icon" viewBox="0 0 16 16" aria-hidden="true"><path d="M8 0l2 2.6 3.3-.3.3 3.3L16 8l-2.4 2.4-.3 3.3-3.3-.3L8 16l-2-2.6-3.3.3-.3-3.3L0 8l2.4-2.4.3-3.3 3.3.3zM6.8 11.2l5-5-1.1-1.1-3.9 3.9-1.9-1.9-1.1 1.1z"/></svg>';

/** One constructed sheet shared by every element (older browsers get a <style> per element instead). */
const sheet: CSSStyleSheet | null = (() => {
  try {
    const s = new CSSStyleSheet();
    s.replaceSync(STYLE);
    return s;
  } catch {
    return null;
  }
})();

/** Shops waiting for the next call, per API; and every answer (or answer to come), per API and shop. */
const waiting = new Map<string, Set<string>>();
const answers = new Map<string, Promise<Badge | null>>();
const settle = new Map<string, (badge: Badge | null) => void>();
let scheduled = false;

function badgeOf(api: string, shopId: string): Promise<Badge | null> {
  const key = `${api} ${shopId}`;
  let answer = answers.get(key);
  if (answer) return answer;
  if (!SHOP_ID.test(shopId)) return Promise.resolve(null); // one bad id must not fail its batch (400)
  answer = new Promise((resolve) => settle.set(key, resolve));
  answers.set(key, answer);
  let ids = waiting.get(api);
  if (!ids) waiting.set(api, (ids = new Set()));
  ids.add(shopId);
  if (!scheduled) {
    scheduled = true;
    setTimeout(flush, 0);
  }
  return answer;
}

function flush(): void {
  scheduled = false;
  for (const [api, set] of waiting) {
    const ids = [...set];
    for (let i = 0; i < ids.length; i += BATCH) void fetchBatch(api, ids.slice(i, i + BATCH));
  }
  waiting.clear();
}

async function fetchBatch(api: string, ids: string[]): Promise<void> {
  let badges: Record<string, Badge | null> = {};
  try {
    const res = await fetch(`${api}/v1/badges?shopIds=${ids.map(encodeURIComponent).join(',')}`);
    if (res.ok) badges = ((await res.json()) as { badges: Record<string, Badge | null> }).badges ?? {};
  } catch {
    // Offline, blocked or refused: every shop of the batch shows nothing; the page goes on.
  }
  for (const id of ids) {
    const key = `${api} ${id}`;
    settle.get(key)?.(badges[id] ?? null);
    settle.delete(key);
    // A failed answer is not kept: an element added later asks again.
    if (!badges[id] && !(id in badges)) answers.delete(key);
  }
}

async function signalsOf(api: string, shopId: string): Promise<Signals | null> {
  try {
    const res = await fetch(`${api}/v1/shops/${encodeURIComponent(shopId)}/signals`);
    return res.ok ? ((await res.json()) as { signals: Signals }).signals : null;
  } catch {
    return null;
  }
}

/** Each language's month and percent formats, made on first use and shared by every element. */
const formats: Partial<Record<Lang, [Intl.DateTimeFormat, Intl.NumberFormat]>> = {};

export class SellerBadge extends HTMLElement {
  static observedAttributes = ['shop-id', 'api', 'signals'];
  private readonly root = this.attachShadow({ mode: 'open' });
  private shown = '';

  constructor() {
    super();
    // The host's own style (an empty, zero-size box) holds even while nothing is rendered.
    if (sheet) this.root.adoptedStyleSheets = [sheet];
  }

  connectedCallback(): void {
    void this.update();
  }

  attributeChangedCallback(): void {
    if (this.isConnected) void this.update();
  }

  private async update(): Promise<void> {
    const shopId = this.getAttribute('shop-id') ?? '';
    const api = (this.getAttribute('api') ?? ORIGIN).replace(/\/+$/, '');
    const wantSignals = this.hasAttribute('signals');
    const request = `${api} ${shopId} ${wantSignals}`;
    if (request === this.shown) return;
    this.shown = request;
    const [badge, signals] = await Promise.all([badgeOf(api, shopId), wantSignals ? signalsOf(api, shopId) : null]);
    if (this.shown === request) this.render(badge, signals);
  }

  private render(badge: Badge | null, signals: Signals | null): void {
    if (!badge) {
      this.root.innerHTML = sheet ? '' : `<style>${HOST_STYLE}</style>`;
      return;
    }
    const lang = pageLang(this.ownerDocument);
    const words = WORDS[lang];
    const label = programLabel(words, badge.program) ?? badge.label;
    const [year, month] = badge.month.split('-').map(Number) as [number, number];
    const [monthFormat, percent] = (formats[lang] ??= [
      new Intl.DateTimeFormat(lang, { month: 'long', year: 'numeric', timeZone: 'UTC' }),
      new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }),
    ]);
    const monthName = monthFormat.format(Date.UTC(year, month - 1, 15));
    const lines = signals
      ? ([
          [signals.onTimeDispatchRate, words.onTime],
          [signals.chatReplyRate24h, words.chat],
          [signals.positiveRatingRate, words.positive],
        ] as const)
          .filter(([s]) => s)
          .map(([s, text]) => `<span part="signal">${percent.format(s!.value)} ${escape(text)}</span>`)
      : [];
    this.root.innerHTML =
      (sheet ? '' : `<style>${STYLE}</style>`) +
      `<span part="badge" lang="${lang}">` +
      `<span part="label" role="img" aria-label="${escape(words.badge(label, monthName))}" title="${escape(words.badge(label, monthName))}">${ICON}${escape(label)}</span>` +
      (lines.length ? `<span part="signals">${lines.join('')}</span>` : '') +
      '</span>';
  }
}

if (!customElements.get('seller-badge')) customElements.define('seller-badge', SellerBadge);
