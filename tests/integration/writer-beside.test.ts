/**
 * Another process writing branch.db (an import recording its progress, a set-up run from the command
 * line) never makes a ticket fail: the hub's transactions take the write lock at BEGIN and wait for
 * it, instead of failing at once when a read-then-write transaction finds a newer commit.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateTicketResponse } from '../../src-main/domain/contracts';
import { requestId, startHarness, type Harness } from './hub-harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ customers: 50 });
  const db = new Database(join(h.dataDir, 'branch.db'));
  db.exec('CREATE TABLE IF NOT EXISTS other_writer (id INTEGER PRIMARY KEY, at INTEGER NOT NULL)');
  db.close();
}, 60_000);
afterAll(async () => h?.stop());

/** A second process committing small read-then-write transactions to branch.db for `ms`. */
function otherWriter(dataDir: string, ms: number): Promise<number> {
  const code = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(join(dataDir, 'branch.db'))});
    db.pragma('busy_timeout = 5000');
    const read = db.prepare('SELECT count(*) FROM other_writer').pluck();
    const write = db.prepare('INSERT INTO other_writer (at) VALUES (?)');
    const end = Date.now() + ${ms};
    let n = 0;
    const pause = new Int32Array(new SharedArrayBuffer(4));
    while (Date.now() < end) {
      db.transaction(() => { read.get(); write.run(Date.now()); }).immediate();
      n++;
      Atomics.wait(pause, 0, 0, 2);
    }
    process.stdout.write(String(n));
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', code], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`writer exited ${code}`))));
  });
}

describe('a second process writing branch.db', () => {
  it('every ticket issued meanwhile is answered 201', async () => {
    const kiosk = (await h.login({ deviceId: 'kiosk-01', secret: 'demo' })).token;
    const writer = otherWriter(h.dataDir, 3_000);
    const statuses: number[] = [];
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 6 }, async (_, w) => {
        for (let i = 0; Date.now() - started < 2_500; i++) {
          const res = await h.request<CreateTicketResponse>('POST', '/api/v1/tickets', {
            token: kiosk,
            body: { serviceCode: 'ABCE'[(w + i) % 4], requestId: requestId(), ...(i % 3 === 0 ? { identity: h.cardRead(`1380000000${1 + ((w + i) % 5)}`) } : {}) },
          });
          statuses.push(res.status);
        }
      }),
    );
    const commits = await writer;
    expect(commits).toBeGreaterThan(100);
    expect(statuses.length, `tickets answered: ${statuses.length}`).toBeGreaterThan(50);
    expect(statuses.filter((s) => s !== 201 && s !== 429)).toEqual([]);
  }, 30_000);
});
