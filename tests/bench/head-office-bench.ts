/**
 * Head office in `npm run bench` (BENCH_HO=0 skips it; needs PostgreSQL as the tests do):
 *  a. Ingest: BENCH_HO_BRANCHES (200) simulated branch hubs shipping their journals at once through
 *     the link (BENCH_HO_EVENTS events each, in batches of 100), events/s into PostgreSQL, against a
 *     raw multi-row INSERT of the same rows from one client, measured in the same run;
 *  b. the branches board on a steady day at every branch at once: from an event made at a branch
 *     (shipped as a hub's outbox does) to its branch's row on a board socket, p50 / p99;
 *  c. one branch's outbox: ticket p99 of a hub shipping to head office against the same hub without
 *     (BENCH_HO_TICKETS, 1,000, each after 50 not timed);
 *  d. the warehouse feed at head office (`import-feed`: every row checked, identifiers hashed and
 *     sealed, COPY, keys and references checked in SQL, the switch): BENCH_HO_FEED_CUSTOMERS
 *     (200,000; 0 skips it) customers with a card and 5 holdings each, or the feed in
 *     BENCH_HO_FEED_DIR; rows/s and peak RSS, against a raw COPY of the same CSV files into tables
 *     of text columns (no checks, no keys), measured in the same run.
 * Everything on 127.0.0.1, bounded in count and time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import type { BranchBoardRow } from '../../src-main/domain/head-office';
import { createPool, migrate } from '../../src-main/head-office/db';
import { HeadOffice } from '../../src-main/head-office/head-office';
import { createHub } from '../../src-main/hub/create-hub';
import { createReadStream, readFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { IdentifierKey } from '../../src-main/customer-data/identifier-key';
import { importCustomerFeed } from '../../src-main/head-office/customer-feed';
import type { FeedFile } from '../../src-main/domain/feed';
import { createTestDatabase } from '../helpers/postgres';
import { writeBenchFeed } from './feed-bench';

const BRANCHES = Number(process.env.BENCH_HO_BRANCHES ?? 200);
const EVENTS = Number(process.env.BENCH_HO_EVENTS ?? 500);
const BATCH = 100;
/** Tickets timed per hub (a p99 of 1,000 is its 10th worst, far steadier than of 400), after TICKET_WARMUP not timed. */
const TICKETS = Number(process.env.BENCH_HO_TICKETS ?? 1000);
const TICKET_WARMUP = 50;
/** The steady part: how long, how often each branch makes an event on average, how often its outbox looks (as the hub's). */
const STEADY_MS = 10_000;
const STEADY_GAP_MS = 2_000;
const SHIP_MS = 500;

const pct = (a: number[], p: number) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))] ?? NaN;
};
const fmt = (n: number, d = 2) => n.toLocaleString('en', { maximumFractionDigits: d, minimumFractionDigits: d });

const state = (i: number) => ({ branchName: { 'zh-CN': `网点${i}`, en: `Branch ${i}` }, timeZone: 'Asia/Shanghai', businessDate: '2026-12-04', waitingNow: i % 30, bundleVersion: null });
const entry = (offset: number) => ({ offset, type: 'ticket.issued', at: Date.parse('2026-12-04T02:00:00Z') + offset * 1000, data: { ticketId: `t-${offset}`, number: `A${offset}`, serviceCode: 'A' } });

/** Ticket issue latencies (ms) of a fresh demo hub, one ticket at a time. */
async function ticketLatencies(dataDir: string, link: { url: string; credential: string } | null): Promise<number[]> {
  const hub = await createHub({ port: 0, host: '127.0.0.1', dataDir, demoCustomers: 200, logLevel: 'silent', ...(link ? { headOfficeUrl: link.url, headOfficeCredential: link.credential } : {}) });
  try {
    const login = await fetch(`${hub.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ deviceId: 'kiosk-01', secret: 'demo' }) });
    const { token } = (await login.json()) as { token: string };
    const out: number[] = [];
    for (let i = -TICKET_WARMUP; i < TICKETS; i++) {
      const t0 = performance.now();
      const r = await fetch(`${hub.url}/api/v1/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ serviceCode: 'ABCE'[(i + TICKET_WARMUP) % 4], requestId: `ho-bench-${(i + TICKET_WARMUP).toString().padStart(8, '0')}` }),
      });
      await r.text();
      // The first few warm the path up (JIT), with or without the link alike.
      if (i >= 0) out.push(performance.now() - t0);
      // A lobby's pace in a rush (a ticket every few ms), so the outbox ships while tickets come.
      await new Promise((res) => setTimeout(res, 5));
    }
    return out;
  } finally {
    await hub.close();
  }
}

/** Head office in its own process (as in a bank: its own machine), on a free port; resolves once ready. */
async function startHeadOfficeProcess(pgUrl: string): Promise<{ url: string; stop(): Promise<void> }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, '../../src-main/head-office/cli.ts'), 'serve'], {
      env: { ...process.env, HEAD_OFFICE_PG_URL: pgUrl, HEAD_OFFICE_PORT: String(port), HEAD_OFFICE_HOST: '127.0.0.1', HEAD_OFFICE_LOG_LEVEL: 'silent' },
      stdio: 'ignore',
    });
    const url = `http://127.0.0.1:${port}`;
    const stop = () => new Promise<void>((res) => (child.exitCode !== null ? res() : (child.once('exit', () => res()), child.kill('SIGTERM'))));
    for (let i = 0; i < 100 && child.exitCode === null; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if ((await fetch(`${url}/readyz`).catch(() => null))?.status === 200) return { url, stop };
    }
    await stop();
  }
  throw new Error('head office did not start');
}

export async function headOfficeBench(): Promise<string[]> {
  const db = await createTestDatabase('lobby_bench_ho');
  const pool = createPool(db.url);
  const dir = mkdtempSync(join(tmpdir(), 'lobby-ho-bench-'));
  try {
    await migrate(pool);
    const ho = new HeadOffice(pool);
    const server = await startHeadOfficeProcess(db.url);
    await ho.addStaff('bench', 'admin', '482193');
    const token = (await ho.login('bench', '482193')).token;
    const creds: string[] = [];
    for (let i = 0; i < BRANCHES; i++) creds.push((await ho.addBranch(`b${String(i).padStart(4, '0')}`)).credential);
    // Every branch says hello first: head office checks each credential once (scrypt) and remembers it, as a long-running one does.
    for (const [i, credential] of creds.entries()) {
      const res = await fetch(`${server.url}/api/v1/link/journal`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` },
        body: JSON.stringify({ stream: 'events', after: 0, entries: [], state: state(i) }),
      });
      if (res.status !== 200) throw new Error(`hello: HTTP ${res.status}`);
    }

    // a: every branch ships a backlog at once (after a WAN outage, say).
    const t0 = performance.now();
    await Promise.all(
      creds.map(async (credential, i) => {
        for (let after = 0; after < EVENTS; after += BATCH) {
          const entries = Array.from({ length: Math.min(BATCH, EVENTS - after) }, (_, k) => entry(after + k + 1));
          const res = await fetch(`${server.url}/api/v1/link/journal`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` },
            body: JSON.stringify({ stream: 'events', after, entries, state: state(i) }),
          });
          if (res.status !== 200) throw new Error(`ingest: HTTP ${res.status} ${await res.text()}`);
        }
      }),
    );
    const ingestS = (performance.now() - t0) / 1000;
    const total = BRANCHES * EVENTS;
    const stored = Number((await pool.query('SELECT count(*) AS n FROM ho_journal')).rows[0].n);
    if (stored !== total) throw new Error(`ingest stored ${stored} of ${total}`);

    // Raw: the same rows, multi-row INSERTs of BATCH rows from one client, into a copy of the table.
    await pool.query('CREATE TABLE raw_journal (LIKE ho_journal INCLUDING ALL)');
    const client = await pool.connect();
    const r0 = performance.now();
    try {
      for (let i = 0; i < BRANCHES; i++) {
        for (let after = 0; after < EVENTS; after += BATCH) {
          const n = Math.min(BATCH, EVENTS - after);
          const values: unknown[] = [];
          const rows: string[] = [];
          for (let k = 0; k < n; k++) {
            const e = entry(after + k + 1);
            const b = values.length;
            rows.push(`($${b + 1}, 'events', $${b + 2}, $${b + 3}, $${b + 4}, '2026-12-04', $${b + 5})`);
            values.push(`b${i}`, e.offset, e.type, new Date(e.at), JSON.stringify(e.data));
          }
          await client.query(`INSERT INTO raw_journal (branch_id, stream, branch_offset, type, at, business_date, data) VALUES ${rows.join(', ')}`, values);
        }
      }
    } finally {
      client.release();
    }
    const rawS = (performance.now() - r0) / 1000;

    // b: a steady lobby day at every branch at once: each makes an event every STEADY_GAP_MS on
    // average and ships like a hub's outbox (a look every SHIP_MS); a board socket times each event
    // from its making at the branch to its branch's row on the board.
    const board = io(server.url, { path: '/socket.io', auth: { token }, transports: ['websocket'], forceNew: true });
    await new Promise<void>((res, rej) => (board.once('connect', () => res()), board.once('connect_error', rej)));
    const made = new Map<string, number[]>(); // branch -> making times of its events not yet seen, by offset from `base`
    const seen = new Map<string, number>();
    const boardLatency: number[] = [];
    board.on('branch:changed', (row: BranchBoardRow) => {
      const times = made.get(row.id);
      const from = seen.get(row.id) ?? EVENTS;
      if (!times) return;
      for (let o = from + 1; o <= row.acknowledgedOffset; o++) {
        const t = times[o - EVENTS - 1];
        if (t !== undefined) boardLatency.push(performance.now() - t);
      }
      seen.set(row.id, Math.max(from, row.acknowledgedOffset));
    });
    const end = performance.now() + STEADY_MS;
    await Promise.all(
      creds.map(async (credential, i) => {
        const id = `b${String(i).padStart(4, '0')}`;
        const times: number[] = [];
        made.set(id, times);
        let acked = EVENTS;
        let nextEvent = performance.now() + Math.random() * STEADY_GAP_MS * 2;
        while (performance.now() < end) {
          await new Promise((r) => setTimeout(r, SHIP_MS));
          while (nextEvent <= performance.now() && nextEvent < end) {
            times.push(nextEvent);
            nextEvent += Math.random() * STEADY_GAP_MS * 2;
          }
          const pending = times.length - (acked - EVENTS);
          if (pending === 0) continue;
          const entries = Array.from({ length: pending }, (_, k) => entry(acked + k + 1));
          const res = await fetch(`${server.url}/api/v1/link/journal`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` },
            body: JSON.stringify({ stream: 'events', after: acked, entries, state: state(i) }),
          });
          const body = (await res.json()) as { acknowledged: number };
          acked = body.acknowledged;
        }
      }),
    );
    await new Promise((r) => setTimeout(r, 300));
    board.disconnect();
    const steadyEvents = [...made.values()].reduce((n, t) => n + t.length, 0);

    // c: one branch's outbox and its ticket p99.
    const { credential } = await ho.addBranch('demo-001');
    const without = await ticketLatencies(join(dir, 'alone'), null);
    const withLink = await ticketLatencies(join(dir, 'linked'), { url: server.url, credential });
    await server.stop();

    const ingestRate = total / ingestS;
    const rawRate = total / rawS;
    return [
      `ingest: ${BRANCHES} branches × ${EVENTS} events at once: ${fmt(ingestRate, 0)} events/s; raw multi-row INSERT from one client ${fmt(rawRate, 0)} rows/s: ${fmt(ingestRate / rawRate)}x (goal ≥ 0.5x)`,
      `branches board, ${BRANCHES} branches making an event every ${STEADY_GAP_MS / 1000} s each on average: event at the branch -> its row on a board socket p50 ${fmt(pct(boardLatency, 50), 1)} ms, p99 ${fmt(pct(boardLatency, 99), 1)} ms over ${boardLatency.length} of ${steadyEvents} events (goal p99 ≤ 1000 ms)`,
      `one branch's outbox: ticket p99 ${fmt(pct(withLink, 99))} ms shipping to head office, ${fmt(pct(without, 99))} ms without: ${fmt((pct(withLink, 99) / pct(without, 99) - 1) * 100, 1)}% (goal ≤ 10%); p50 ${fmt(pct(withLink, 50))} / ${fmt(pct(without, 50))} ms`,
    ];
  } finally {
    await pool.end();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const FEED_CUSTOMERS = Number(process.env.BENCH_HO_FEED_CUSTOMERS ?? 200_000);

/** d. The warehouse feed loaded at head office, against a raw COPY of the same files. */
export async function headOfficeFeedBench(): Promise<string[]> {
  if (!process.env.BENCH_HO_FEED_DIR && FEED_CUSTOMERS <= 0) return [];
  const dir = mkdtempSync(join(tmpdir(), 'ho-feed-bench-'));
  const db = await createTestDatabase('lobby_bench_ho_feed');
  const pool = createPool(db.url);
  try {
    await migrate(pool);
    const feedDir = process.env.BENCH_HO_FEED_DIR ?? join(dir, 'feed');
    if (!process.env.BENCH_HO_FEED_DIR) writeBenchFeed(feedDir, 'ho-bench', FEED_CUSTOMERS);
    const manifest = JSON.parse(readFileSync(join(feedDir, 'manifest.json'), 'utf8')) as { files: Record<string, { rows: number }> };
    const rows = Object.values(manifest.files).reduce((n, f) => n + f.rows, 0);
    // Raw: the same CSV files copied as they are into tables of text columns, one client.
    const raw = await pool.connect();
    let rawMs = 0;
    try {
      for (const file of Object.keys(manifest.files) as FeedFile[]) {
        const header = readFileSync(join(feedDir, file), 'utf8').slice(0, 4096).split(/\r?\n/)[0]!.replace(/^\uFEFF/, '').split(',');
        const table = `raw_${file.replace('.csv', '')}`;
        await raw.query(`CREATE TABLE ${table} (${header.map((c) => `"${c}" text`).join(', ')})`);
        const t = performance.now();
        await pipeline(createReadStream(join(feedDir, file)), raw.query(copyFrom(`COPY ${table} FROM STDIN WITH (FORMAT csv, HEADER true)`)));
        rawMs += performance.now() - t;
      }
    } finally {
      raw.release();
    }
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
    const t = performance.now();
    const r = await importCustomerFeed(pool, { feedDir, key: IdentifierKey.forTests('bench'), by: 'bench', rejectsDir: dir });
    const ms = performance.now() - t;
    clearInterval(sampler);
    if (r.status !== 'done') throw new Error(`head-office import: ${JSON.stringify(r)}`);
    const rawRate = rows / (rawMs / 1000);
    const rate = rows / (ms / 1000);
    return [
      `feed at head office (import-feed, COPY): ${rows.toLocaleString('en')} rows (${(r.counts['customers.csv'] ?? 0).toLocaleString('en')} customers) in ${fmt(ms / 1000, 1)} s = ${Math.round(rate).toLocaleString('en')} rows/s, peak RSS ${Math.round(peak / 1048576)} MB`,
      `  raw COPY of the same CSV files into text columns: ${fmt(rawMs / 1000, 1)} s = ${Math.round(rawRate).toLocaleString('en')} rows/s -> ratio ${fmt(rate / rawRate)}x`,
    ];
  } finally {
    await pool.end();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
