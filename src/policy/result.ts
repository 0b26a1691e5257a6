// What an assessment answers: amounts in fen, dates, and an ordered explanation citing each clause.
import type { FundingSource, IdentityCode } from './vocabulary.js';

export interface StepCite {
  /** Document number, e.g. 双政办发〔2024〕11号. */
  document: string;
  clause: string;
  quote?: string;
  note?: string;
  /** True when the rule comes from the national defaults because the local pack is silent. */
  inherited?: boolean;
}

export interface ExplanationStep {
  /** Where the rule lives in the pack, e.g. subsidies.dibao-half or collection.windows. */
  rule: string;
  text: string;
  cite: StepCite | null;
}

export interface Rejection {
  code: 'OUTSIDE_BUSINESS_WINDOW' | 'COLLECTION_NOT_OPEN' | 'YEAR_CLOSED';
  message: string;
}

export interface AssessmentResult {
  region: string;
  year: number;
  pack: { id: string; hash: string };
  tier: string;
  standardFen: number;
  subsidyFen: number;
  payableFen: number;
  /** The identity that gave the subsidy, or null. */
  category: IdentityCode | null;
  subsidyRule: string | null;
  fundingSource: FundingSource | null;
  accepted: boolean;
  rejection?: Rejection;
  benefitStart: string | null;
  benefitEnd: string | null;
  waitingDays: number;
  /** Other years that must also be paid (高阳 cross-year newborns). */
  alsoPayYears?: number[];
  explanation: ExplanationStep[];
}

export interface AssessmentError {
  error: {
    code: 'INVALID_REQUEST' | 'NO_PACK' | 'NOT_COVERED' | 'UNKNOWN_TIER';
    message: string;
    path: string;
  };
}

export type AssessmentOutcome = AssessmentResult | AssessmentError;

export const isError = (o: AssessmentOutcome): o is AssessmentError => 'error' in o;
