// Issue 8: "every capability of the CLI available over HTTP". Every command of `canbao` (each leaf,
// and each group that also runs on its own, like `canbao reconcile FILE`) is named here with the
// route that does the same work, or with the reason it stays on the command line. The test walks
// the real program and the real app, so a new command without a route — or a route renamed away
// from under its command — fails here.
import type { Command } from 'commander';
import type { FastifyInstance, HTTPMethods } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../cli/main.js';
import type { DatabaseHandle } from '../db/connection.js';
import { shippedPacks } from '../policy/pack-loader.js';
import { createPgliteTestDatabase } from '../test-support/db.js';
import { buildApp } from './app.js';

type Route = `${'GET' | 'POST'} /api/${string}`;
type Entry = Route | { cliOnly: string };

const IMPORT: Route = 'POST /api/imports/:kind';

const PARITY: Record<string, Entry> = {
  'canbao assess': 'POST /api/assess',
  'canbao policy list': 'GET /api/policy/packs',
  'canbao policy show': 'GET /api/policy/packs/:id/summary',
  'canbao policy diff': 'GET /api/policy/diff',
  'canbao policy leaflet': 'GET /api/policy/packs/:id/leaflet',
  'canbao db migrate': {
    cliOnly: 'the server applies pending migrations when it starts; it cannot migrate the schema it runs on',
  },
  'canbao db status': 'GET /api/system/db',
  'canbao db backup': 'POST /api/system/backup',
  'canbao db restore': {
    cliOnly: 'replaces the whole database the server runs on: the service must be stopped while it runs',
  },
  'canbao regions import': IMPORT,
  'canbao regions seed': {
    cliOnly: 'installation step: loads the built-in pilot regions before first use (canbao start does it)',
  },
  'canbao regions list': 'GET /api/regions',
  'canbao regions population': IMPORT,
  'canbao regions population-set': 'POST /api/regions/population',
  'canbao registry import': IMPORT,
  'canbao registry check': 'GET /api/registry/check',
  'canbao registry person': 'GET /api/persons/:docNo',
  'canbao registry household': 'GET /api/households/:key',
  'canbao registry village': 'GET /api/registry/villages/:code',
  'canbao start': { cliOnly: 'starts this server (with demo data); it cannot be asked of the server itself' },
  'canbao demo': { cliOnly: 'generates synthetic demo and benchmark data; not a bureau task' },
  'canbao demo taxfile': { cliOnly: 'writes a synthetic tax file for trials; not a bureau task' },
  'canbao demo campaign': { cliOnly: 'simulates campaign progress on demo data; not a bureau task' },
  'canbao identities import': IMPORT,
  'canbao identities history': 'GET /api/persons/:docNo/identities',
  'canbao assess-region': 'POST /api/jobs/assessments',
  'canbao assessment ledger': 'GET /api/assessments/ledger',
  'canbao assessment export': 'GET /api/assessments/export',
  'canbao assessment what-if': 'POST /api/assessments/what-if',
  'canbao assessment explain': 'GET /api/assessments/explain/:docNo',
  'canbao payment record': 'POST /api/payments',
  'canbao payment household': 'POST /api/households/:key/payments',
  'canbao payment repair': 'POST /api/payments/repairs',
  'canbao payment review': 'POST /api/payments/:id/review',
  'canbao payment list': 'GET /api/payments',
  'canbao campaign open': 'POST /api/campaigns',
  'canbao campaign list': 'GET /api/campaigns',
  'canbao campaign unrenewed': 'GET /api/campaigns/:county/:year/unrenewed',
  'canbao enrollment import': IMPORT,
  'canbao enrollment history': 'GET /api/persons/:id/enrollments',
  'canbao agent add': 'POST /api/agents',
  'canbao agent list': 'GET /api/agents',
  'canbao agent ledger': 'GET /api/agents/:code/ledger',
  'canbao agent handover': 'POST /api/agents/:code/handovers',
  // GET /api/agents?overdue=true&region=… gives the same list.
  'canbao agent overdue': 'GET /api/agents',
  'canbao household status': 'GET /api/households/:key',
  'canbao household incomplete': 'GET /api/households/incomplete',
  // `canbao enroll --household` is POST /api/households/:key/enrollments.
  'canbao enroll': 'POST /api/enrollments',
  'canbao event record': 'POST /api/events',
  'canbao event import': IMPORT,
  'canbao event list': 'GET /api/persons/:docNo/events',
  'canbao refund request': 'POST /api/refunds',
  'canbao refund approve': 'POST /api/refunds/:id/approve',
  'canbao refund reject': 'POST /api/refunds/:id/reject',
  'canbao refund payout': 'POST /api/refunds/payouts',
  'canbao refund list': 'GET /api/refunds',
  'canbao refund certifications': 'POST /api/refunds/certifications',
  'canbao serve': { cliOnly: 'starts this server; it cannot be asked of the server itself' },
  // The first administrator is created on the command line (nobody can sign in yet); after that an
  // administrator adds users over HTTP.
  'canbao user add': 'POST /api/users',
  'canbao user list': 'GET /api/users',
  'canbao user passwd': 'POST /api/users/:username/password',
  'canbao user unlock': 'POST /api/users/:username/unlock',
  'canbao reconcile': 'POST /api/reconciliations',
  'canbao reconcile runs': 'GET /api/reconciliations',
  'canbao reconcile show': 'GET /api/reconciliations/:id',
  'canbao reconcile resolve': 'POST /api/differences/:id/resolve',
  'canbao reconcile refunds': 'POST /api/reconciliations/:id/refunds',
  'canbao report coverage': 'GET /api/reports/coverage',
  'canbao report trend': 'GET /api/reports/trend',
  'canbao report keygroups': 'GET /api/reports/keygroups',
  'canbao report ranking': 'GET /api/reports/ranking',
  'canbao report bulletin': 'GET /api/reports/bulletin',
  'canbao report settlement': 'GET /api/reports/settlement',
  'canbao report worklist': 'GET /api/reports/worklist',
  'canbao report followup': 'POST /api/reports/followups',
  'canbao report quality': 'GET /api/reports/quality',
  'canbao report targets-set': 'POST /api/reports/targets',
  'canbao report targets': 'GET /api/reports/targets',
};

/** Commander keeps whether a command runs on its own in a private field; groups without it only dispatch. */
const runsOnItsOwn = (c: Command) => (c as unknown as { _actionHandler: unknown })._actionHandler != null;

function commandsOf(program: Command): string[] {
  const out: string[] = [];
  const walk = (c: Command, path: string) => {
    for (const sub of c.commands) {
      const name = `${path} ${sub.name()}`;
      if (sub.commands.length === 0 || runsOnItsOwn(sub)) out.push(name);
      walk(sub, name);
    }
  };
  walk(program, program.name());
  return out;
}

describe('every CLI capability over HTTP', () => {
  let db: DatabaseHandle;
  let app: FastifyInstance;
  beforeAll(async () => {
    db = await createPgliteTestDatabase();
    // The whole product: sessions on, so the sign-in and user routes are there too.
    app = await buildApp({ packs: shippedPacks(), db, auth: { secureCookies: false }, webRoot: false });
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const commands = commandsOf(buildProgram());

  it('finds the commands (the walk itself works)', () => {
    expect(commands).toContain('canbao policy diff');
    expect(commands).toContain('canbao reconcile');
    expect(commands).not.toContain('canbao policy');
  });

  it('names every command in the table, and no command that is gone', () => {
    expect(commands.filter((c) => !(c in PARITY))).toEqual([]);
    expect(Object.keys(PARITY).filter((c) => !commands.includes(c))).toEqual([]);
  });

  it('has each named route registered in the app', () => {
    const missing = Object.entries(PARITY).flatMap(([command, entry]) => {
      if (typeof entry !== 'string') return [];
      const [method, url] = entry.split(' ') as [HTTPMethods, string];
      return app.hasRoute({ method, url }) ? [] : [`${command} → ${entry}`];
    });
    expect(missing).toEqual([]);
  });

  it('gives every CLI-only command a reason', () => {
    for (const entry of Object.values(PARITY))
      if (typeof entry !== 'string') expect(entry.cliOnly.length).toBeGreaterThan(20);
  });
});
