// Small pieces every route file uses: the date schema, who is acting (the signed-in user once
// sessions exist; the client address until then), and unknown person → 404.
import type { FastifyRequest } from 'fastify';
import { OutcomeError } from '../policy/outcome.js';
import { HttpError } from './errors.js';

export const DATE = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;

/** The signed-in user's name; a trusted in-process caller (no sessions) is named by address. */
export const requestActor = (request: FastifyRequest): string =>
  request.user?.username ?? `http:${request.ip}`;

const NOT_FOUND_CODES = new Set([
  'no-person',
  'no-refund',
  'no-household',
  'no-payment',
  'no-agent',
  'no-payout-batch',
]);

/** An unknown person, household, payment, refund or agent is a 404 over HTTP; every other refusal stays a 400. */
export async function missingAs404<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    const first = e instanceof OutcomeError ? e.issues[0] : undefined;
    if (first && NOT_FOUND_CODES.has(first.code))
      throw new HttpError(404, first.code, first.message, first.expression);
    throw e;
  }
}
