// The shapes of GET /api/persons and GET /api/persons/:docNo (see /api/openapi.json); money in fen.

export interface PersonHit {
  personId: number;
  docNo: string;
  name: string;
  sex: 'male' | 'female' | null;
  birthDate: string | null;
  status: string;
  statusName: string;
  householdNo: string | null;
  relation: string | null;
  villageCode: string;
  villageName: string | null;
  townshipName: string | null;
  enrollmentStatus: string | null;
}

export interface PersonSearchResult {
  kind: 'id' | 'id_tail' | 'name';
  hasMore: boolean;
  items: PersonHit[];
}

export interface PersonDetail {
  id: number;
  docNo: string;
  docTypeName: string;
  name: string;
  sex: 'male' | 'female' | null;
  birthDate: string | null;
  status: string;
  statusName: string;
  relation: string | null;
  hukouRegion: string | null;
  villageCode: string;
  villageName: string | null;
  townshipName: string | null;
  phone: string | null;
  employeeInsurance: boolean;
  insuredElsewhere: string | null;
  student: boolean;
  school: string | null;
  household: { id: number; householdNo: string; villageCode: string | null } | null;
  members: { id: number; docNo: string; name: string; relation: string | null; statusName: string }[];
  identities: {
    id: number;
    categoryName: string;
    grade: number | null;
    departmentName: string;
    validFrom: string;
    validTo: string | null;
    fileName: string | null;
    current: boolean;
  }[];
  assessments: {
    year: number;
    statusName: string;
    exclusionReasonName: string | null;
    standardFen: number;
    subsidyFen: number;
    payableFen: number;
    categoryName: string | null;
    fundingSourceName: string | null;
    packId: string;
    runId: number;
  }[];
  payments: {
    id: number;
    year: number;
    amountFen: number;
    paidOn: string;
    channelName: string;
    externalNo: string;
    agent: string | null;
    statusName: string;
    reviewReason: string | null;
  }[];
  refunds: {
    id: number;
    year: number;
    reasonName: string;
    amountFen: number;
    stateName: string;
    requestedOn: string;
    decisionNote: string | null;
  }[];
  enrollments: {
    year: number;
    statusName: string;
    source: string;
    enrolledOn: string | null;
    benefitStart: string | null;
    benefitEnd: string | null;
    waitingDays: number;
    endedOn: string | null;
    endReason: string | null;
  }[];
  events: { id: number; typeName: string; occurredOn: string; source: string; note: string | null }[];
  explanation: { year: number; asOf: string; text: string } | null;
}
