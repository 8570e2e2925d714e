/**
 * The catalog the service ships with (../shared/programs.md "The catalog"). Data only: a market is one
 * edit here, a threshold change a new version of the program from a badge month (the old version ends the
 * month before, so past months keep their thresholds); `loadCatalog` validates it. Money is in the
 * market currency's minor units and rates are fractions (3% is 0.03).
 */
import type { z } from 'zod';
import type { catalogSchema } from './schema';

const SEA = ['TH', 'MY', 'VN', 'PH', 'SG', 'ID'] as const;
const PERFORMANCE_REVOCATION = [
  { field: 'fraudViolations', op: '>', threshold: 0 },
  { field: 'counterfeitViolations', op: '>', threshold: 0 },
  { field: 'status', op: '!=', threshold: 'active' },
] as const;

type ProgramInput = z.input<typeof catalogSchema>['programs'][number];
type PerMarket = Record<(typeof SEA)[number], number>;

/** TopChoice's either/or volume criterion; its order thresholds per market are what versions change. */
function topChoiceVolume(completedOrders: PerMarket) {
  return {
    id: 'volume',
    label: '{0} completed orders or {1} sales',
    anyOf: [
      { metric: 'completedOrders' as const, op: '>=' as const, threshold: completedOrders },
      {
        metric: 'gmv' as const,
        op: '>=' as const,
        threshold: { MY: 350_000, VN: 20_000_000, SG: 100_000, PH: 3_000_000, TH: 3_500_000, ID: 500_000_000 },
      },
    ],
  };
}

// Thresholds: SEA cross-border Star Shop criteria effective 2024-09-27; TH and ID volume is assumed.
const TOP_CHOICE_2024_09_27: ProgramInput = {
  id: 'top-choice',
  label: 'TopChoice',
  version: '2024-09-27',
  markets: [...SEA],
  // Ends where the 2027-01-01 version takes over (a change is a new version, never an edit of this one).
  effective: { to: '2026-12' },
  excludedBy: ['mall'],
  criteria: [
    topChoiceVolume({ MY: 150, VN: 150, SG: 150, PH: 100, TH: 150, ID: 150 }),
    { id: 'unique-buyers', label: 'At least {threshold} unique buyers in 30 days', metric: 'uniqueBuyers30d', op: '>=', threshold: 15 },
    {
      id: 'seller-fault-cancellation-rate',
      label: 'Seller-fault cancellation rate below {threshold}',
      metric: 'sellerFaultCancellationRate',
      op: '<',
      threshold: 0.03,
    },
    { id: 'late-dispatch-rate', label: 'Late dispatch rate below {threshold}', metric: 'lateDispatchRate', op: '<', threshold: 0.03 },
    {
      id: 'seller-fault-return-rate',
      label: 'Seller-fault return rate below {threshold}',
      metric: 'sellerFaultReturnRate',
      op: '<',
      threshold: 0.01,
    },
    { id: 'chat-reply-rate', label: 'Chat reply rate within 24h above {threshold}', metric: 'chatReplyRate24h', op: '>', threshold: 0.85 },
    {
      id: 'negative-review-rate',
      label: 'Negative review rate below {threshold}',
      metric: 'negativeReviewRate',
      op: '<',
      threshold: { MY: 0.004, VN: 0.004, SG: 0.004, PH: 0.005, TH: 0.004, ID: 0.004 },
    },
    {
      id: 'shop-rating',
      label: 'Shop rating above {threshold}',
      metric: 'shopRating',
      op: '>',
      threshold: { MY: 4.2, VN: 4.2, SG: 4.2, PH: 4.0, TH: 4.2, ID: 4.2 },
    },
    { id: 'violation-points', label: 'Fewer than {threshold} violation points', metric: 'violationPoints', op: '<', threshold: 12 },
    { id: 'fraud-violations', label: 'No fraud violations', metric: 'fraudViolations', op: '=', threshold: 0 },
    { id: 'counterfeit-violations', label: 'No counterfeit violations', metric: 'counterfeitViolations', op: '=', threshold: 0 },
    { id: 'status', label: 'Shop status is active', metric: 'status', op: '=', threshold: 'active' },
  ],
  revokeWhen: [...PERFORMANCE_REVOCATION, { field: 'violationPoints', op: '>=', threshold: 12 }],
};

/**
 * An example rollout, for an operator to confirm before 2027-01: PH asks 150 completed orders (was 100),
 * like the other markets; every other threshold is unchanged. It shows the form a threshold change takes
 * (docs/program-versions.md): a new version from a future badge month, while months up to 2026-12 and
 * their reruns keep version 2024-09-27.
 */
const TOP_CHOICE_2027_01_01: ProgramInput = {
  // A copy, so the two versions share no object: editing or simulating one never touches the other.
  ...structuredClone(TOP_CHOICE_2024_09_27),
  version: '2027-01-01',
  effective: { from: '2027-01' },
  criteria: TOP_CHOICE_2024_09_27.criteria.map((criterion) =>
    criterion.id === 'volume' ? topChoiceVolume({ MY: 150, VN: 150, SG: 150, PH: 150, TH: 150, ID: 150 }) : structuredClone(criterion),
  ),
};

export const CATALOG: z.input<typeof catalogSchema> = {
  precedence: [
    'mall',
    'official-shop',
    'top-program',
    'authorized-seller',
    'top-brand',
    'top-choice',
    'gold-star',
    'silver-star',
    'star-shop',
  ],
  programs: [
    {
      id: 'mall',
      label: 'Mall',
      version: '2024-01-01',
      markets: [...SEA],
      effective: {},
      requires: [{ certification: 'mall' }],
      criteria: [],
    },
    TOP_CHOICE_2024_09_27,
    TOP_CHOICE_2027_01_01,
    {
      id: 'star-shop',
      label: 'Star Shop',
      version: '2024-01-01',
      markets: ['US'],
      effective: { to: '2025-06' },
      criteria: [
        { id: 'status', label: 'Shop status is active', metric: 'status', op: '=', threshold: 'active' },
        { id: 'probation', label: 'Seller probation passed', metric: 'probationGraduated', op: '=', threshold: true },
        { id: 'completed-orders', label: 'At least {threshold} completed orders', metric: 'completedOrders', op: '>=', threshold: 100 },
        { id: 'shop-performance-score', label: 'Shop performance score of {threshold} or more', metric: 'shopPerformanceScore', op: '>=', threshold: 4.5 },
        { id: 'violation-points', label: 'Fewer than {threshold} violation points', metric: 'violationPoints', op: '<', threshold: 12 },
        { id: 'fraud-violations', label: 'No fraud violations', metric: 'fraudViolations', op: '=', threshold: 0 },
        { id: 'counterfeit-violations', label: 'No counterfeit violations', metric: 'counterfeitViolations', op: '=', threshold: 0 },
      ],
      revokeWhen: [...PERFORMANCE_REVOCATION, { field: 'violationPoints', op: '>=', threshold: 12 }],
    },
    ...(['gold-star', 'silver-star'] as const).map((id) => ({
      id,
      label: id === 'gold-star' ? 'Gold Star Seller' : 'Silver Star Seller',
      version: '2025-07-01',
      markets: ['US' as const],
      effective: { from: '2025-07' },
      criteria: [
        {
          id: 'reputation-points',
          label: 'At least {threshold} reputation points',
          metric: 'reputationPoints' as const,
          op: '>=' as const,
          threshold: id === 'gold-star' ? 10_000 : 2_000,
        },
        { id: 'shop-performance-score', label: 'Shop performance score of {threshold} or more', metric: 'shopPerformanceScore' as const, op: '>=' as const, threshold: 4.0 },
        {
          id: 'positive-product-rating-rate',
          label: 'Positive product ratings of {threshold} or more',
          metric: 'positiveProductRatingRate' as const,
          op: '>=' as const,
          threshold: 0.8,
        },
        { id: 'status', label: 'Shop status is active', metric: 'status' as const, op: '=' as const, threshold: 'active' },
        { id: 'logo', label: 'Shop has a logo', metric: 'hasLogo' as const, op: '=' as const, threshold: true },
      ],
      revokeWhen: [...PERFORMANCE_REVOCATION],
    })),
    {
      id: 'official-shop',
      label: 'Official Shop',
      version: '2026-01-01',
      markets: ['US'],
      effective: { from: '2026-01' },
      requires: [{ certification: 'official-shop' }],
      criteria: [
        { id: 'shop-performance-score', label: 'Shop performance score of {threshold} or more', metric: 'shopPerformanceScore', op: '>=', threshold: 3.5 },
        { id: 'sellable-products', label: 'At least {threshold} sellable products', metric: 'sellableProducts', op: '>=', threshold: 5 },
        { id: 'return-window', label: 'Return window of {threshold} days or more', metric: 'returnWindowDays', op: '>=', threshold: 30 },
        { id: 'free-shipping-share', label: 'Free shipping on {threshold} or more of products', metric: 'freeShippingShare', op: '>=', threshold: 0.7 },
        { id: 'counterfeit-violations', label: 'No counterfeit violations', metric: 'counterfeitViolations', op: '=', threshold: 0 },
      ],
    },
    ...(['authorized-seller', 'top-brand'] as const).map((id) => ({
      id,
      label: id === 'authorized-seller' ? 'Authorized Seller' : 'Top Brand',
      version: '2025-07-01',
      markets: ['US' as const],
      effective: {},
      requires: [{ certification: id }],
      criteria: [
        { id: 'counterfeit-violations', label: 'No counterfeit violations', metric: 'counterfeitViolations' as const, op: '=' as const, threshold: 0 },
        { id: 'status', label: 'Shop status is active', metric: 'status' as const, op: '=' as const, threshold: 'active' },
      ],
    })),
    {
      // The TOP Program article (policy period 2026-01-27..2026-03-31); "tens of millions" read as US$10M (assumed).
      id: 'top-program',
      label: 'Official Shop',
      version: '2026-01-27',
      markets: ['US'],
      effective: { from: '2026-02', to: '2026-04' },
      requires: [{ certification: 'super-top-seller', grantedWithin: { from: '2026-01-27', to: '2026-03-31' } }],
      criteria: [
        { id: 'annual-gmv', label: 'Annual sales of {threshold} or more', metric: 'gmv365d', op: '>=', threshold: 1_000_000_000 },
        { id: 'status', label: 'Shop status is active', metric: 'status', op: '=', threshold: 'active' },
      ],
      benefits: [
        {
          kind: 'commission-reduction',
          description: '3% commission reduction for the first 60 days after certification',
          daysAfterCertification: 60,
        },
        { kind: 'short-video-content', description: '1,000 free short video content pieces' },
      ],
    },
  ],
};
