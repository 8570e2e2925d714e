/**
 * The contract's answers as the CLI reads them (contract.md). Where the service's own type is the JSON it
 * sends, the CLI reads that type; the rest are declared here (optional where the contract adds fields later).
 */
import type { PolicyDiff, ThresholdChange, ThresholdValue } from '../shared/domain/simulation';
import type { Eligibility } from '../shared/usecases/eligibility';
import type { RunView } from '../shared/usecases/evaluation';

export type RunStatus = RunView;
export type RunDiff = PolicyDiff;
export type { ThresholdChange };
export type Threshold = ThresholdValue;
export type EligibilityView = Eligibility;

export interface StartRunBody {
  month: string;
  markets?: string[];
  dryRun?: boolean;
  shopIds?: string[];
  changes?: ThresholdChange[];
}

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

/**
 * POST /v1/metrics. Kept local: the service's IngestResult types a rejected record's shopId as
 * `string | null`, and the CLI's RejectedRow (cli/ingest.ts) takes it as an optional string.
 */
export interface IngestAnswer {
  accepted: number;
  rejected: { index: number; shopId?: string; errors: { path?: string; message: string }[] }[];
}
