/** Small numeric helpers the bench sections share. */

/** Rounded to 3 decimals, for the printed results. */
export const r3 = (x: number): number => Math.round(x * 1e3) / 1e3;

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
