// The shapes of the API answers the pages read (see /api/openapi.json); money in fen.

export interface MemberStatus {
  personId: number;
  name: string;
  docNo: string;
  relation: string | null;
  age: number | null;
  personStatus: 'active' | 'deceased' | 'moved_out';
  ineligibleReason: string | null;
  enrollmentStatus: string | null;
  enrollmentStatusName: string;
  payableFen: number | null;
  owesText: string;
  payment: {
    status: 'accepted' | 'review' | 'rejected';
    statusName: string;
    amountFen: number;
    paidOn: string;
    channel: string;
    channelName: string;
    agent: string | null;
  } | null;
  dueFen: number;
  benefitStart: string | null;
  benefitEnd: string | null;
  waitingDays: number | null;
}

export interface HouseholdStatus {
  household: {
    id: number;
    county_code: string;
    household_no: string;
    village_code: string | null;
    village_name: string | null;
  };
  year: number;
  asOf: string;
  members: MemberStatus[];
  totals: { members: number; enrolled: number; notAssessed: number; dueFen: number };
}

export interface PaymentRow {
  id: number;
  doc_no: string;
  name: string;
  year: number;
  amount_fen: number;
  paid_on: string;
  channel: string;
  external_no: string;
  agent: string | null;
  status: 'accepted' | 'review' | 'rejected';
  kind: string;
  review_reason: string | null;
}

export interface RefundRow {
  id: number;
  county_code: string;
  year: number;
  payment_id: number | null;
  reason: string;
  amount_fen: number;
  state: 'requested' | 'approved' | 'rejected' | 'paid';
  requested_on: string;
  requested_by: string;
  decided_at: string | null;
  decided_by: string | null;
  decision_note: string | null;
  doc_no: string;
  name: string;
}
