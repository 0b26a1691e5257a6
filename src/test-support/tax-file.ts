// A tax return file's row (in TAXFILE_HEADERS order) paying what a person is assessed to pay, on
// 2024-12-20 by WeChat: how the reconciliation tests write small files of their own.
export interface AssessedPerson {
  doc_no: string;
  name: string;
  payable_fen: number;
}

export function taxFileRow(p: AssessedPerson, year: number, receipt: string, region: string): string[] {
  return [
    p.doc_no,
    p.name,
    String(year),
    (p.payable_fen / 100).toFixed(2),
    '2024-12-20',
    '微信',
    receipt,
    region,
  ];
}
