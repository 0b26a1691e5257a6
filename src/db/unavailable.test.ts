// Which errors mean "the database is away" (503, try again) and which are faults (500).
import { expect, it } from 'vitest';
import { isDatabaseUnavailable } from './unavailable.js';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

it('recognises a database that is down, restarting or cut off', () => {
  expect(isDatabaseUnavailable(pgError('57P01', 'terminating connection due to administrator command'))).toBe(
    true,
  );
  expect(isDatabaseUnavailable(pgError('57P03', 'the database system is starting up'))).toBe(true);
  expect(isDatabaseUnavailable(pgError('08006'))).toBe(true);
  expect(isDatabaseUnavailable(pgError('ECONNREFUSED'))).toBe(true);
  expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
  expect(
    isDatabaseUnavailable(new Error('Client has encountered a connection error and is not queryable')),
  ).toBe(true);
  expect(isDatabaseUnavailable(new AggregateError([pgError('ECONNREFUSED')], 'connect'))).toBe(true);
  expect(isDatabaseUnavailable(new Error('wrapped', { cause: pgError('57P01') }))).toBe(true);
});

it('leaves real faults alone', () => {
  expect(isDatabaseUnavailable(pgError('23505', 'duplicate key value violates unique constraint'))).toBe(
    false,
  );
  expect(isDatabaseUnavailable(pgError('42P01', 'relation "x" does not exist'))).toBe(false);
  expect(isDatabaseUnavailable(new TypeError('undefined is not a function'))).toBe(false);
  expect(isDatabaseUnavailable(undefined)).toBe(false);
});
