/**
 * The markets of programs.md: time zone, currency and its minor units. Apart from calendar.ts (which
 * re-exports them) so that the Seller Center page's bundle can read them without the time-zone library.
 */
export const MARKETS = {
  US: { timeZone: 'America/Los_Angeles', currency: 'USD', minorUnits: 2 },
  GB: { timeZone: 'Europe/London', currency: 'GBP', minorUnits: 2 },
  TH: { timeZone: 'Asia/Bangkok', currency: 'THB', minorUnits: 2 },
  MY: { timeZone: 'Asia/Kuala_Lumpur', currency: 'MYR', minorUnits: 2 },
  VN: { timeZone: 'Asia/Ho_Chi_Minh', currency: 'VND', minorUnits: 0 },
  PH: { timeZone: 'Asia/Manila', currency: 'PHP', minorUnits: 2 },
  SG: { timeZone: 'Asia/Singapore', currency: 'SGD', minorUnits: 2 },
  ID: { timeZone: 'Asia/Jakarta', currency: 'IDR', minorUnits: 2 },
} as const;

export type Market = keyof typeof MARKETS;
export const MARKET_CODES = Object.keys(MARKETS) as Market[];
