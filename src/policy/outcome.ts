// One error shape everywhere (after Medplum's OperationOutcome): a list of issues, each saying
// how bad, what kind, where (file, row, column or path) and what to do, in Chinese for people.

export interface OutcomeIssue {
  severity: 'error' | 'warning';
  code: string;
  /** Where: "file.yaml: subsidies[2].amount.percent", "第 12 行 身份证号码", "identities[0].category". */
  expression: string;
  message: string;
}

export class OutcomeError extends Error {
  constructor(readonly issues: OutcomeIssue[]) {
    super(issues.map((i) => `${i.expression}：${i.message}`).join('\n'));
    this.name = 'OutcomeError';
  }
}

/** Refuse with one issue: a code, where (field, row, column) and what, in Chinese. */
export const refuse = (code: string, where: string, message: string): never => {
  throw new OutcomeError([{ severity: 'error', code, expression: where, message }]);
};

/** Render a zod-style path (['subsidies', 2, 'amount']) as subsidies[2].amount. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '（根）';
}
