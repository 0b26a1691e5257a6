// The shapes of the 核定 API (GET /api/assessments/runs, /ledger?changed=true, /api/jobs/:id); money in fen.

export interface AssessmentRun {
  id: number;
  region: string;
  year: number;
  packId: string;
  asOf: string;
  startedBy: string | null;
  startedAt: string;
  finishedAt: string | null;
  persons: number;
  assessed: number;
  excluded: number;
  inserted: number;
  changed: number;
  standardFen?: number;
  subsidyFen?: number;
  payableFen?: number;
}

export interface AssessmentRuns {
  region: string;
  year: number;
  runs: AssessmentRun[];
  current: {
    totals: {
      persons: number;
      assessed: number;
      excluded: number;
      review: number;
      standardFen: number;
      subsidyFen: number;
      payableFen: number;
    };
    bySource: { fundingSource: string; name: string; persons: number; subsidyFen: number }[];
    exclusions: { reason: string; name: string; persons: number }[];
  };
}

export interface AssessmentChangeRow {
  personId: number;
  docNo: string;
  name: string;
  oldStatusName: string;
  newStatusName: string;
  oldStatus: string;
  newStatus: string;
  oldPayableFen: number;
  newPayableFen: number;
  oldCategoryName: string | null;
  newCategoryName: string | null;
}

export interface AssessmentChanges {
  runId: number | null;
  total: number;
  items: AssessmentChangeRow[];
}

export interface Job {
  id: number;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  progress: string | null;
  error: { code: string; message: string; where: string } | null;
}
