import { describe, it, expect } from 'vitest';
import type { Market } from '../../shared/domain/calendar';
import type { GaugeValues } from '../../shared/domain/metrics';
import { revocationDecision, type HeldBadge, type RevocationDecision } from '../../shared/domain/revocation';
import { CATALOG, loadCatalog } from '../../shared/programs';
import { dailyRecord } from './shop-fixtures';

const catalog = loadCatalog();

function decide(held: HeldBadge, market: Market, date: string, values: GaugeValues): RevocationDecision {
  return revocationDecision(held, dailyRecord(date, values), catalog, market);
}

function reasonOf(decision: RevocationDecision): string {
  if (!decision.revoke) throw new Error('expected the badge to be revoked');
  return decision.reason;
}

/** TopChoice for 2026-11 was awarded on the period 2026-09-26..2026-10-25. */
const TOP_CHOICE: HeldBadge = { program: 'top-choice', month: '2026-11' };
/** Star Shop for 2025-06 was awarded on 2025-04-26..2025-05-25. */
const STAR_SHOP: HeldBadge = { program: 'star-shop', month: '2025-06' };
const GOLD_STAR: HeldBadge = { program: 'gold-star', month: '2026-03' };
const SILVER_STAR: HeldBadge = { program: 'silver-star', month: '2026-03' };

describe('TopChoice is revoked immediately', () => {
  it('on fraud violations > 0; the reason names the field and the value', () => {
    const reason = reasonOf(decide(TOP_CHOICE, 'TH', '2026-11-10', { fraudViolations: 1 }));
    expect(reason).toContain('TopChoice');
    expect(reason).toContain('2026-11-10');
    expect(reason).toMatch(/fraudViolations was 1\b/);
  });

  it('on counterfeit violations > 0', () => {
    expect(reasonOf(decide(TOP_CHOICE, 'MY', '2026-11-10', { counterfeitViolations: 3 }))).toMatch(/counterfeitViolations was 3\b/);
  });

  it('on a status other than active (inactive, suspended, closed)', () => {
    for (const status of ['inactive', 'suspended', 'closed'] as const) {
      expect(reasonOf(decide(TOP_CHOICE, 'VN', '2026-11-10', { status })), status).toContain(`status was ${status}`);
    }
  });

  it('on violation points of 12 or more, not 11', () => {
    expect(reasonOf(decide(TOP_CHOICE, 'PH', '2026-11-10', { violationPoints: 12 }))).toMatch(/violationPoints was 12\b/);
    expect(decide(TOP_CHOICE, 'PH', '2026-11-10', { violationPoints: 30 }).revoke).toBe(true);
    expect(decide(TOP_CHOICE, 'PH', '2026-11-10', { violationPoints: 11 })).toEqual({ revoke: false });
  });

  it('a clean record keeps it: no violations, status active, 11 points, or no gauges at all', () => {
    expect(decide(TOP_CHOICE, 'SG', '2026-11-10', { fraudViolations: 0, counterfeitViolations: 0, status: 'active', violationPoints: 11 })).toEqual({ revoke: false });
    expect(decide(TOP_CHOICE, 'SG', '2026-11-10', {})).toEqual({ revoke: false });
    expect(decide(TOP_CHOICE, 'SG', '2026-11-10', { fraudViolations: null, status: null, violationPoints: null })).toEqual({ revoke: false });
  });

  it('a record dated before the first day of the awarding period keeps the badge (2026-09-25); from 2026-09-26 it revokes', () => {
    expect(decide(TOP_CHOICE, 'TH', '2026-09-25', { fraudViolations: 5, status: 'closed' })).toEqual({ revoke: false });
    expect(decide(TOP_CHOICE, 'TH', '2026-09-26', { fraudViolations: 5 }).revoke).toBe(true);
    expect(decide(TOP_CHOICE, 'TH', '2026-10-25', { fraudViolations: 5 }).revoke).toBe(true);
  });

  it('several conditions met at once are all named', () => {
    const reason = reasonOf(decide(TOP_CHOICE, 'ID', '2026-11-02', { fraudViolations: 2, status: 'suspended' }));
    expect(reason).toMatch(/fraudViolations was 2\b/);
    expect(reason).toContain('status was suspended');
  });
});

describe('Star Shop is revoked immediately', () => {
  it('on fraud > 0, counterfeit > 0, status not active, violation points >= 12', () => {
    expect(reasonOf(decide(STAR_SHOP, 'US', '2025-06-03', { fraudViolations: 1 }))).toContain('Star Shop');
    expect(decide(STAR_SHOP, 'US', '2025-06-03', { counterfeitViolations: 1 }).revoke).toBe(true);
    expect(decide(STAR_SHOP, 'US', '2025-06-03', { status: 'suspended' }).revoke).toBe(true);
    expect(reasonOf(decide(STAR_SHOP, 'US', '2025-06-03', { violationPoints: 12 }))).toMatch(/violationPoints was 12\b/);
    expect(decide(STAR_SHOP, 'US', '2025-06-03', { violationPoints: 11, status: 'active', fraudViolations: 0 })).toEqual({ revoke: false });
  });

  it('not by a record dated before its awarding period (2025-04-25)', () => {
    expect(decide(STAR_SHOP, 'US', '2025-04-25', { fraudViolations: 1 })).toEqual({ revoke: false });
    expect(decide(STAR_SHOP, 'US', '2025-04-26', { fraudViolations: 1 }).revoke).toBe(true);
  });
});

describe('Gold and Silver Star Seller are revoked immediately', () => {
  for (const held of [GOLD_STAR, SILVER_STAR]) {
    it(`${held.program}: on fraud > 0, counterfeit > 0 or status not active`, () => {
      expect(decide(held, 'US', '2026-03-05', { fraudViolations: 1 }).revoke).toBe(true);
      expect(decide(held, 'US', '2026-03-05', { counterfeitViolations: 1 }).revoke).toBe(true);
      expect(reasonOf(decide(held, 'US', '2026-03-05', { status: 'closed' }))).toContain('status was closed');
    });

    it(`${held.program}: not by violation points, however many`, () => {
      expect(decide(held, 'US', '2026-03-05', { violationPoints: 12 })).toEqual({ revoke: false });
      expect(decide(held, 'US', '2026-03-05', { violationPoints: 500 })).toEqual({ revoke: false });
    });
  }
});

describe('programs without revocation conditions', () => {
  it('a Mall badge is not revoked by a daily record (it follows the certification)', () => {
    expect(decide({ program: 'mall', month: '2026-11' }, 'TH', '2026-11-02', { fraudViolations: 3, status: 'closed' })).toEqual({ revoke: false });
  });

  it('an unknown program keeps the badge', () => {
    expect(decide({ program: 'platinum-star', month: '2026-11' }, 'TH', '2026-11-02', { fraudViolations: 3 })).toEqual({ revoke: false });
  });
});

describe('revocation follows the program version that awarded the held badge', () => {
  /** The shipped catalog, with the 2027-01-01 TopChoice version revoking from 20 violation points instead of 12. */
  function catalogWithLaterRevocation() {
    const definition = structuredClone(CATALOG);
    const later = definition.programs.find((p) => p.id === 'top-choice' && p.version === '2027-01-01');
    if (!later) throw new Error('the shipped catalog has TopChoice 2027-01-01');
    later.revokeWhen = (later.revokeWhen ?? []).map((cond) => (cond.field === 'violationPoints' ? { ...cond, threshold: 20 } : cond));
    later.label = 'TopChoice 2027';
    return loadCatalog(definition);
  }

  it('a 2026-12 badge is judged by version 2024-09-27 (12 points revoke), a 2027-01 badge by 2027-01-01 (12 points do not)', () => {
    const versioned = catalogWithLaterRevocation();
    const december = revocationDecision({ program: 'top-choice', month: '2026-12' }, dailyRecord('2026-12-20', { violationPoints: 12 }), versioned, 'TH');
    const january = revocationDecision({ program: 'top-choice', month: '2027-01' }, dailyRecord('2027-01-02', { violationPoints: 12 }), versioned, 'TH');
    expect(reasonOf(december)).toMatch(/^TopChoice revoked: .*violationPoints >= 12 revokes it/);
    expect(january).toEqual({ revoke: false });
    expect(reasonOf(revocationDecision({ program: 'top-choice', month: '2027-01' }, dailyRecord('2027-01-02', { violationPoints: 20 }), versioned, 'TH'))).toMatch(
      /^TopChoice 2027 revoked: .*violationPoints >= 20 revokes it/,
    );
  });

  it('a held badge of a month no version covers is kept (no rule of that month can revoke it)', () => {
    expect(decide({ program: 'star-shop', month: '2025-07' }, 'US', '2025-07-03', { fraudViolations: 1 })).toEqual({ revoke: false });
  });
});
