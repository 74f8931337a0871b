/**
 * Every acknowledged ticket and call survives `kill -9` of the hub. The hub runs as a
 * child process (the built out/main/hub.js when it is newer than the sources, else the sources
 * through tsx), is killed with SIGKILL while the kiosk issues tickets concurrently, and is started
 * again on the same data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { CallNextResponse, CreateTicketResponse, LoginResponse, QueueSnapshot } from '../../src-main/domain/contracts';
import { requestId } from './hub-harness';

const ROOT = resolve(__dirname, '../..');
const BUILT = join(ROOT, 'out/main/hub.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestSource(p) : st.mtimeMs);
  }
  return newest;
}

/** The built hub when it is up to date, else the sources through tsx (same CLI, same flags). */
function hubCommand(): string[] {
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs >= newestSource(join(ROOT, 'src-main'))) return [BUILT];
  return ['--import', 'tsx', join(ROOT, 'src-main/hub/cli.ts')];
}

const dataDir = mkdtempSync(join(tmpdir(), 'lobby-crash-'));
let child: ChildProcess | null = null;
afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function startHub(): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [...hubCommand(), '--port=0', '--host=127.0.0.1', `--data-dir=${dataDir}`, '--demo-customers=100', '--log-level=warn'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`hub did not start: ${out}`)), 45_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]!);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`hub exited with ${code}: ${out}`)));
  });
  return { url, proc };
}

async function json<T>(url: string, method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(url + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}
const login = async (url: string, who: Record<string, unknown>) => (await json<LoginResponse>(url, 'POST', '/api/v1/auth/login', undefined, who)).body.token;

describe('kill -9 of the hub under load', () => {
  it('keeps every acknowledged ticket and call, the queue order and gap-free numbering', async () => {
    const first = await startHub();
    const kiosk = await login(first.url, { deviceId: 'kiosk-01', secret: 'demo' });
    const teller = await login(first.url, { staffId: 't01', pin: '2222' });

    const acked: { id: string; number: string; serviceCode: string; order: number }[] = [];
    const ackedCalls: string[] = [];
    let order = 0;
    let killed = false;
    const exited = new Promise<void>((r) => first.proc.once('exit', () => r()));

    const worker = async (w: number) => {
      for (let i = 0; !killed; i++) {
        try {
          const res = await json<CreateTicketResponse>(first.url, 'POST', '/api/v1/tickets', kiosk, {
            serviceCode: (i + w) % 2 ? 'A' : 'B',
            requestId: requestId(),
          });
          if (res.status === 201) acked.push({ id: res.body.ticket.id, number: res.body.ticket.number, serviceCode: res.body.ticket.serviceCode, order: order++ });
        } catch {
          return; // the connection died with the hub
        }
      }
    };
    const caller = async () => {
      while (!killed) {
        try {
          const c = await json<CallNextResponse>(first.url, 'POST', '/api/v1/counters/1/call-next', teller);
          if (c.status === 200) {
            ackedCalls.push(c.body.ticket.id);
            const done = await json(first.url, 'POST', `/api/v1/tickets/${c.body.ticket.id}/complete`, teller);
            if (done.status !== 200) return;
          }
          await new Promise((r) => setTimeout(r, 10));
        } catch {
          return;
        }
      }
    };
    const load = Promise.all([...Array.from({ length: 6 }, (_, w) => worker(w)), caller()]);
    while (acked.length < 150) await new Promise((r) => setTimeout(r, 5));
    first.proc.kill('SIGKILL'); // mid-load: requests are in flight
    await exited;
    killed = true;
    await load;
    expect(acked.length).toBeGreaterThanOrEqual(150);
    expect(ackedCalls.length).toBeGreaterThan(0);

    const second = await startHub();
    try {
      // Every acknowledged ticket is there with its number; every acknowledged call is not waiting any more.
      const db = new Database(join(dataDir, 'branch.db'), { readonly: true });
      const rows = db.prepare('SELECT id, number, service_code, seq, status FROM ticket').all() as {
        id: string;
        number: string;
        service_code: string;
        seq: number;
        status: string;
      }[];
      db.close();
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const a of acked) expect(byId.get(a.id)?.number, a.number).toBe(a.number);
      for (const id of ackedCalls) expect(byId.get(id)?.status).not.toBe('waiting');
      // Numbering per service: 1..n with no duplicate and no gap (a killed transaction leaves nothing).
      for (const s of ['A', 'B']) {
        const seqs = rows.filter((r) => r.service_code === s).map((r) => r.seq).sort((a, b) => a - b);
        expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      }

      // Queue order: the waiting acknowledged tickets of each service are in the order they were issued.
      const manager = await login(second.url, { staffId: 'm01', pin: '1111' });
      const snap = (await json<QueueSnapshot>(second.url, 'GET', '/api/v1/queue', manager)).body;
      for (const s of ['A', 'B']) {
        const waitingIds = snap.waiting.filter((w) => w.serviceCode === s).map((w) => w.id);
        const ackedWaiting = acked.filter((a) => a.serviceCode === s && waitingIds.includes(a.id));
        const positions = ackedWaiting.map((a) => waitingIds.indexOf(a.id));
        expect(positions).toEqual([...positions].sort((x, y) => x - y));
        expect(ackedWaiting.map((a) => a.order)).toEqual([...ackedWaiting.map((a) => a.order)].sort((x, y) => x - y));
      }

      // Numbering continues after the restart without a duplicate.
      const kiosk2 = await login(second.url, { deviceId: 'kiosk-01', secret: 'demo' });
      const maxA = Math.max(...rows.filter((r) => r.service_code === 'A').map((r) => r.seq));
      const next = await json<CreateTicketResponse>(second.url, 'POST', '/api/v1/tickets', kiosk2, { serviceCode: 'A', requestId: requestId() });
      expect(next.status).toBe(201);
      expect(next.body.ticket.number).toBe(`A${String(maxA + 1).padStart(3, '0')}`);

      // The first waiting ticket is the next one called (first come first served survives the crash).
      const teller2 = await login(second.url, { staffId: 't01', pin: '2222' });
      const current = await json<CallNextResponse>(second.url, 'GET', '/api/v1/counters/1/current', teller2);
      if (current.status === 200) await json(second.url, 'POST', `/api/v1/tickets/${current.body.ticket.id}/complete`, teller2);
      const firstWaiting = snap.waiting.find((w) => ['A', 'B', 'C'].includes(w.serviceCode));
      if (firstWaiting) {
        const called = await json<CallNextResponse>(second.url, 'POST', '/api/v1/counters/1/call-next', teller2);
        expect(called.body.ticket.id).toBe(firstWaiting.id);
      }
    } finally {
      second.proc.kill('SIGKILL');
    }
  }, 120_000);
});
