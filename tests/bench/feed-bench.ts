/**
 * `npm run bench`, part 5: the warehouse feed.
 *  a. Import of BENCH_FEED_CUSTOMERS customers (default 1,000,000) with one card each and
 *     BENCH_FEED_HOLDINGS holdings each (default 5): wall time and peak RSS of the importing process
 *     (the command line, in a child process, with nothing else running, as the raw insert runs),
 *     against a raw better-sqlite3 bulk insert of the same rows into the same tables (prepared
 *     statements, one transaction, values made in memory) in the same run: rows/s of both and the
 *     ratio. Targets: under 90 s, under 600 MB, at least 0.5x raw.
 *  b. Ticket p99 while the same files are imported again (another feedId), against the p99 without:
 *     a hub on the same data directory issues identified tickets (a card read, the decision stored)
 *     one after another. Target: no worse than 3x. The import's time beside the tickets is printed too.
 * BENCH_FEED=0 skips it.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHub } from '../../src-main/hub/create-hub';
import { openDatabase } from '../../src-main/hub/db/open';
import { createSnapshotFile } from '../../src-main/hub/customers/snapshot';
import { FeedWriter } from '../../src-main/customer-data/feed-writer';
import { importFeed } from '../../src-main/hub/feed/import';
import { setupFromText } from '../../src-main/hub/setup/branch-setup';
import { testCustomer, testCustomerRow, TEST_PRODUCTS, writeFullFeed } from '../helpers/test-feed';

/** The repository (npm run bench runs there). */
const ROOT = process.cwd();
const CUSTOMERS = Number(process.env.BENCH_FEED_CUSTOMERS ?? 1_000_000);
const HOLDINGS = Number(process.env.BENCH_FEED_HOLDINGS ?? 5);
const BRANCH = '350102001';

const fmt = (x: number, d = 1) => x.toLocaleString('en', { maximumFractionDigits: d, minimumFractionDigits: d });
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};

/** The bench feed: N customers, a debit card each, H holdings each. */
export function writeBenchFeed(dir: string, feedId: string, customers = CUSTOMERS): number {
  const w = new FeedWriter(dir);
  for (const p of TEST_PRODUCTS) w.row('products.csv', p);
  for (let k = 1; k <= customers; k++) {
    const c = testCustomer(k);
    w.row('customers.csv', testCustomerRow(k, BRANCH));
    w.row('cards.csv', { card_number: c.card, cif: c.cif, kind: 'debit' });
    for (let h = 0; h < HOLDINGS; h++) {
      w.row('holdings.csv', { cif: c.cif, product_code: TEST_PRODUCTS[h % TEST_PRODUCTS.length]!.product_code, account_id: `${c.cif}-${h}`, branch_id: BRANCH, amount: `${1000 + ((k * 7 + h) % 90_000)}.50`, opened_on: '2020-01-01' });
    }
  }
  w.finish({ feedId, asOf: '2026-12-03', mode: 'full', branchId: BRANCH });
  return 4 + customers * (2 + HOLDINGS);
}

/** The raw baseline: the same rows into the same tables, values made in memory, one transaction. */
export function rawInsert(path: string): number {
  const db = createSnapshotFile(path);
  const blob = randomBytes(32);
  const sealed = randomBytes(40);
  const t = performance.now();
  db.transaction(() => {
    const product = db.prepare('INSERT INTO product (code, category, name_zh, name_en, risk_level, is_credit) VALUES (?, ?, ?, ?, ?, ?)');
    for (const p of TEST_PRODUCTS) product.run(p.product_code, p.category, p.name_zh, p.name_en, p.risk_level, p.is_credit === 'Y' ? 1 : 0);
    const key = db.prepare('INSERT INTO customer_key (id, cif) VALUES (?, ?)');
    const customer = db.prepare(
      `INSERT INTO customer (id, cif, name, gender, birth_date, phone_lookup, phone_sealed, phone_masked, id_lookup, id_sealed, id_masked,
         marital_status, occupation, risk_tolerance, marketing_consent, home_branch_id) VALUES (?, ?, ?, 'M', '1970-01-10', ?, ?, ?, ?, ?, ?, 'married', 'employee', 3, 1, ?)`,
    );
    const card = db.prepare("INSERT INTO card (card_lookup, card_sealed, card_masked, customer_id, kind) VALUES (?, ?, ?, ?, 'debit')");
    const holding = db.prepare('INSERT INTO holding (account_id, customer_id, product_code, branch_id, amount_fen, opened_on, maturity_on, as_of) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)');
    for (let k = 1; k <= CUSTOMERS; k++) {
      const cif = `88${String(k).padStart(8, '0')}`;
      // Distinct lookups (the indexes see random keys, as with real hashes).
      blob.writeUInt32BE(k * 2654435761 >>> 0, 0);
      key.run(k, cif);
      customer.run(k, cif, '张伟', Buffer.from(blob), sealed, '139****0001', Buffer.from(blob.reverse()), sealed, '110***********0011', BRANCH);
      blob.reverse();
      blob.writeUInt32BE((k * 40503) >>> 0, 4);
      card.run(Buffer.from(blob), sealed, '621483******0001', k);
      for (let h = 0; h < HOLDINGS; h++) holding.run(`${cif}-${h}`, k, TEST_PRODUCTS[h % TEST_PRODUCTS.length]!.product_code, BRANCH, 100_050, '2020-01-01', '2026-12-03');
    }
  })();
  const ms = performance.now() - t;
  db.close();
  return ms;
}

/** The command-line import in a child process (as the command runs it: at a lower priority): its time and peak RSS. */
function importInChild(dataDir: string, feedDir: string): Promise<{ ms: number; maxRssMb: number; status: string }> {
  const script = `
    const { importFeedInWorker } = require(${JSON.stringify(join(ROOT, 'src-main/hub/feed/import-in-worker.ts'))});
    const t = performance.now();
    importFeedInWorker({ dataDir: ${JSON.stringify(dataDir)}, feedDir: ${JSON.stringify(feedDir)}, by: 'bench', background: true }).then((r) => {
      process.stdout.write(JSON.stringify({ ms: performance.now() - t, maxRssMb: process.resourceUsage().maxRSS / 1024, status: r.status, reason: r.reason }));
    });`;
  return new Promise((res, rej) => {
    // As `hub.js import-feed` runs it: in a worker thread with a bounded heap.
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', () => {
      try {
        res(JSON.parse(out) as { ms: number; maxRssMb: number; status: string });
      } catch {
        rej(new Error(`the import child printed ${out}`));
      }
    });
  });
}

export async function feedBench(dir: string): Promise<string[]> {
  const root = join(dir, 'feed-bench');
  mkdirSync(root, { recursive: true });
  const data = join(root, 'data');
  mkdirSync(data, { recursive: true });
  const db = openDatabase(join(data, 'branch.db'));
  // The example branch, with the kiosk's identification limits raised to their maximum: the bench
  // identifies one customer after another from a single kiosk.
  const branchFile = readFileSync(join(ROOT, 'resources/branch.example.yaml'), 'utf8').replace(
    /^rules:\n/m,
    'rules:\n  identification: { attempts: { perKiosk: 10000, perIdentifier: 100, windowMinutes: 1, alertAt: 10000 } }\n',
  );
  setupFromText(db, branchFile, { actor: 'bench', role: 'system' });
  db.close();
  // A small feed the hub serves while the big one is imported.
  writeFullFeed(join(root, 'small'), { feedId: 'small', asOf: '2026-12-02', n: 2_000, branchId: BRANCH });
  const small = await importFeed({ dataDir: data, feedDir: join(root, 'small'), by: 'bench' });
  if (small.status !== 'done') throw new Error(`small feed: ${JSON.stringify(small)}`);

  let t = performance.now();
  const big = join(root, 'big');
  const rows = writeBenchFeed(big, 'big');
  const writeS = (performance.now() - t) / 1000;
  const rawMs = rawInsert(join(root, 'raw.db'));
  rmSync(join(root, 'raw.db'), { force: true });
  // The import alone, as the raw insert ran: its speed and memory.
  const imp = await importInChild(data, big);
  if (imp.status !== 'done') throw new Error(`the bench feed was not imported: ${JSON.stringify(imp)}`);

  // Ticket latency without, then during, an import of the same files under another feedId (sequential identified tickets).
  const manifest = JSON.parse(readFileSync(join(big, 'manifest.json'), 'utf8')) as { feedId: string };
  writeFileSync(join(big, 'manifest.json'), JSON.stringify({ ...manifest, feedId: 'big-again' }));
  const hub = await createHub({ port: 0, host: '127.0.0.1', dataDir: data, demo: false, logLevel: (process.env.BENCH_LOG ?? 'silent') as 'silent' });
  const login = async (body: object) => ((await (await fetch(`${hub.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { token: string }).token;
  const kiosk = await login({ deviceId: 'kiosk-01', secret: 'gulou-kiosk-7Hq2Lm9x' });
  let n = 0;
  const issue = async () => {
    const c = testCustomer(1 + (n % 2_000));
    const s = performance.now();
    const r = await fetch(`${hub.url}/api/v1/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${kiosk}` },
      body: JSON.stringify({ serviceCode: 'ABCE'[n % 4], requestId: `bench-feed-${n++}`, identity: { kind: 'card', value: c.card, method: 'reader' } }),
    });
    const text = await r.text();
    const ms = performance.now() - s;
    if (r.status !== 201) throw new Error(`ticket ${r.status}: ${text.slice(0, 300)}`);
    // The customer gives up on the phone page (not timed): a long import would otherwise fill every
    // number of the green channel's service with waiting VIP tickets.
    const token = new URL((JSON.parse(text) as { ticket: { trackUrl: string } }).ticket.trackUrl).pathname.split('/').pop()!;
    const c2 = await fetch(`${hub.url}/api/v1/track/${token}/cancel`, { method: 'POST' });
    if (c2.status !== 200) throw new Error(`cancel ${c2.status}: ${(await c2.text()).slice(0, 300)}`);
    return ms;
  };
  for (let i = 0; i < 50; i++) await issue();
  const quiet: number[] = [];
  for (let i = 0; i < 400; i++) quiet.push(await issue());
  const during: number[] = [];
  let running = true;
  const child = importInChild(data, big).finally(() => (running = false));
  while (running && during.length < 50_000) {
    during.push(await issue());
    await new Promise((r) => setTimeout(r, 10));
  }
  const again = await child;
  await hub.close();
  if (again.status !== 'done') throw new Error(`the bench feed was not imported again: ${JSON.stringify(again)}`);

  const rawRate = rows / (rawMs / 1000);
  const impRate = rows / (imp.ms / 1000);
  const p99q = pct(quiet, 99);
  const p99d = pct(during, 99);
  rmSync(root, { recursive: true, force: true });
  return [
    `feed: ${CUSTOMERS.toLocaleString('en')} customers, ${CUSTOMERS.toLocaleString('en')} cards, ${(CUSTOMERS * HOLDINGS).toLocaleString('en')} holdings (${rows.toLocaleString('en')} rows; written in ${fmt(writeS)} s)`,
    `import (the command line, a child process): ${fmt(imp.ms / 1000)} s, ${Math.round(impRate).toLocaleString('en')} rows/s, peak RSS ${Math.round(imp.maxRssMb)} MB   [${imp.status}]   (targets: < 90 s, < 600 MB)`,
    `raw better-sqlite3 bulk insert of the same rows: ${fmt(rawMs / 1000)} s, ${Math.round(rawRate).toLocaleString('en')} rows/s   -> import ${fmt(impRate / rawRate, 2)}x raw (target >= 0.5x)`,
    `ticket issue (card read, decision stored) p99 without an import ${fmt(p99q, 2)} ms, during one ${fmt(p99d, 2)} ms (${during.length} tickets) -> ${fmt(p99d / p99q, 2)}x (target <= 3x); p50 ${fmt(pct(quiet, 50), 2)} / ${fmt(pct(during, 50), 2)} ms; that import took ${fmt(again.ms / 1000)} s beside the tickets`,
  ];
}
