/** The contract's answers as the CLI reads them (contract.md; optional where the contract adds fields later). */

export interface RunShops {
  evaluated: number;
  awarded: number;
  failed: number;
}

export interface RunDiff {
  gained: number;
  lost: number;
  changed: number;
  unchanged: number;
  byProgram: Record<string, { before: number; after: number }>;
  failing: Record<string, number>;
  shops: { shopId: string; before: string | null; after: string | null }[];
}

export interface RunStatus {
  runId: string;
  month: string;
  markets: string[];
  dryRun: boolean;
  trigger?: 'schedule' | 'catch-up' | 'operator';
  state: 'running' | 'succeeded' | 'failed';
  shops: RunShops;
  /** Up to 100 of the shops that failed (always present, [] when none). */
  failures: { shopId: string; message: string }[];
  startedAt: string;
  finishedAt: string | null;
  /** The run's segments (a market shard or a chunk of named shops each): what the progress bar counts. */
  segments?: { done: number; total: number };
  /** Why a run failed as a whole (a segment dead-lettered), beside any failed shops. */
  reason?: string;
  /** A policy simulation's thresholds, as they were requested. */
  changes?: ThresholdChange[];
  diff?: RunDiff;
}

export interface StartRunBody {
  month: string;
  markets?: string[];
  dryRun?: boolean;
  shopIds?: string[];
  changes?: ThresholdChange[];
}

export interface ThresholdChange {
  program: string;
  criterion: string;
  metric?: string;
  threshold: Threshold | Record<string, Threshold>;
}

export type Threshold = number | boolean | string;

export interface CriterionView {
  id: string;
  label?: string;
  metric: string;
  op: string;
  threshold: unknown;
  actual: unknown;
  passed: boolean;
  anyOf?: { metric: string; op: string; threshold: unknown; actual: unknown; passed: boolean }[];
}

export interface EligibilityView {
  shopId: string;
  market: string;
  month: string;
  period?: { from: string; to: string; timeZone: string };
  status: string;
  badge: { program: string; label: string; month?: string } | null;
  programs: { program: string; label: string; version?: string; eligible: boolean; excludedBy: string | null; criteria: CriterionView[] }[];
  revocation: { at: string; reason: string } | null;
  evaluatedAt?: string | null;
  runId?: string | null;
}

export interface IngestAnswer {
  accepted: number;
  rejected: { index: number; shopId?: string; errors: { path?: string; message: string }[] }[];
}
