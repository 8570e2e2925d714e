/** Shop ids on every route and in every record: 1-64 characters of A-Za-z0-9._- (contract.md). */
export const SHOP_ID_RE = /^[A-Za-z0-9._-]{1,64}$/;
export const SHOP_ID_MESSAGE = 'must be 1-64 characters of A-Z a-z 0-9 . _ -';

/** Shops one run may name (POST /v1/evaluations `shopIds`). */
export const MAX_SHOP_IDS = 1000;
