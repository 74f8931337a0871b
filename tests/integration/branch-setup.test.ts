/**
 * A real branch from its file, through the command line and the hub:
 * - `hub.js --help` lists every command; an unknown command or flag exits 2;
 * - `setup` refuses a bad file with path and line and writes nothing; sets a branch up (key file
 *   0600); a re-run says "nothing to change"; a changed file prints the diff and applies it, and a
 *   running hub follows within seconds; taking out a counter with an open ticket is refused;
 * - a PIN from the file must be changed at the first sign-in (nothing else answers until then);
 * - the admin's Staff and Branch tabs: add, disable, reset a PIN; edit the set-up with the same
 *   checks and audit; a stale revision is refused;
 * - an import killed with SIGKILL leaves the previous snapshot served, and a re-run completes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, BranchInfo, BranchSetupCheckResponse, BranchSetupResponse, CreateTicketResponse, StaffPinResponse } from '../../src-main/domain/contracts';
import { createHub, type Hub } from '../../src-main/hub/create-hub';
import { parseCommandLine, runCommand } from '../../src-main/hub/commands';
import { openDatabase } from '../../src-main/hub/db/open';
import { importFeed } from '../../src-main/hub/feed/import';
import { liveSnapshot } from '../../src-main/hub/customers/snapshot';
import { IdentifierKey } from '../../src-main/customer-data/identifier-key';
import { writeFullFeed } from '../helpers/test-feed';

const ROOT = resolve(__dirname, '../..');
const EXAMPLE = join(ROOT, 'resources/branch.example.yaml');
let dir: string;
let hub: Hub;

/** The command line in this process (the same code `hub.js` runs). */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const parsed = parseCommandLine([...argv, `--data-dir=${dir}`]);
  if (parsed.kind !== 'run') throw new Error(`not a command: ${argv.join(' ')}`);
  const code = await runCommand(parsed, {}, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

/** The real `hub.js` entry, run from source. */
function hubJs(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src-main/hub/cli.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
}

async function api<T>(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(hub.url + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lobby-setup-'));
});
afterAll(async () => {
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the command line', () => {
  it('lists every command with --help; an unknown command or flag is an error with exit 2', () => {
    const help = hubJs(['--help']);
    expect(help.status).toBe(0);
    for (const c of ['serve', 'setup <branch-file>', 'import-feed <feed-dir>', 'reset-pin <staff-id>', 'pair-device']) expect(help.stdout).toContain(c);
    const unknown = hubJs(['bogus']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command "bogus"');
    const flag = hubJs(['setup', EXAMPLE, '--force']);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toContain('unknown flag --force for setup');
    expect(parseCommandLine(['setup'])).toEqual({ kind: 'error', message: 'setup takes <branch-file>' });
    expect(parseCommandLine(['--port=9'])).toMatchObject({ kind: 'run', command: { name: 'serve' } });
  });
});

describe('setup from a branch file', () => {
  it('refuses a bad file with the path and line of each problem, and writes nothing', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(EXAMPLE, 'utf8').replace('services: [{ code: A }, { code: B }, { code: E }]', 'services: [{ code: A }, { code: Q }]').replace('pin: "730264"', 'pin: "1111"'));
    const r = await cli('setup', bad);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.yaml:\d+: counters\[1\]\.services\[1\]\.code: unknown service "Q"/);
    expect(r.err).toMatch(/bad\.yaml:\d+: staff\[1\]\.pin: a PIN is not one digit repeated/);
    expect(r.err).toContain('nothing was changed');
    expect(existsSync(join(dir, 'branch.db'))).toBe(false);
  });

  it('sets the branch up from the example file, makes the key file, and a re-run changes nothing', async () => {
    const r = await cli('setup', EXAMPLE);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('+ branch 350102001 福州鼓楼支行 / Fuzhou Gulou Sub-branch');
    expect(r.out).toContain('+ counter 3 3号窗口（贵宾） / Counter 3 (VIP) (VIP): A×1 B×1 C×1 E×1 V×10');
    expect(r.out).toContain('+ staff it01 陈建华 (admin), initial PIN to be changed at the first sign-in');
    expect(r.out).toContain('+ device kiosk-01 (kiosk, entrance)');
    expect(statSync(IdentifierKey.fileIn(dir)).mode & 0o777).toBe(0o600);
    const again = await cli('setup', EXAMPLE);
    expect(again.code).toBe(0);
    expect(again.out).toContain('nothing to change');
    hub = await createHub({ port: 0, host: '127.0.0.1', dataDir: dir, demo: false, logLevel: 'silent' });
    const branch = (await api<BranchInfo>('GET', '/api/v1/branch', (await api<{ token: string }>('POST', '/api/v1/auth/login', undefined, { deviceId: 'kiosk-01', secret: 'gulou-kiosk-7Hq2Lm9x' })).body.token)).body;
    expect(branch).toMatchObject({ id: '350102001', name: { 'zh-CN': '福州鼓楼支行' } });
    expect(branch.services.map((s) => s.code)).toEqual(['A', 'B', 'C', 'E', 'V']);
  });
});

let admin: string;
let manager: string;

describe('the first sign-in with a PIN from the file', () => {
  it('may only change the PIN, by the PIN rules; then everything answers', async () => {
    const first = await api<{ token: string; mustChangePin: boolean }>('POST', '/api/v1/auth/login', undefined, { staffId: 'm01', pin: '480215' });
    expect(first.body.mustChangePin).toBe(true);
    const t = first.body.token;
    const blocked = await api<{ error: { reason: string } }>('GET', '/api/v1/queue', t);
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.reason).toBe('pin_change_required');
    await expect(
      new Promise((res, rej) => {
        const s = io(hub.url, { path: '/socket.io', auth: { token: t }, transports: ['websocket'], reconnection: false, forceNew: true });
        s.once('connect', () => res(s.disconnect()));
        s.once('connect_error', (e) => rej(e));
      }),
    ).rejects.toThrow(/pin_change_required/);
    const run = await api<{ error: { reason: string } }>('POST', '/api/v1/auth/change-pin', t, { currentPin: '480215', newPin: '4567' });
    expect(run.body.error.reason).toBe('pin_run');
    const same = await api<{ error: { reason: string } }>('POST', '/api/v1/auth/change-pin', t, { currentPin: '480215', newPin: '480215' });
    expect(same.body.error.reason).toBe('pin_unchanged');
    const wrong = await api<{ error: { reason: string } }>('POST', '/api/v1/auth/change-pin', t, { currentPin: '000000', newPin: '592047' });
    expect([wrong.status, wrong.body.error.reason]).toEqual([403, 'wrong_pin']);
    const ok = await api<{ mustChangePin: boolean; subjectId: string }>('POST', '/api/v1/auth/change-pin', t, { currentPin: '480215', newPin: '592047' });
    expect(ok.body).toMatchObject({ mustChangePin: false, subjectId: 'm01' });
    expect((await api('GET', '/api/v1/queue', t)).status).toBe(200);
    expect((await api('POST', '/api/v1/auth/login', undefined, { staffId: 'm01', pin: '480215' })).status).toBe(401);
    const again = await api<{ token: string; mustChangePin: boolean }>('POST', '/api/v1/auth/login', undefined, { staffId: 'm01', pin: '592047' });
    expect(again.body.mustChangePin).toBe(false);
    manager = again.body.token;
    const a = await api<{ token: string }>('POST', '/api/v1/auth/login', undefined, { staffId: 'it01', pin: '815372' });
    await api('POST', '/api/v1/auth/change-pin', a.body.token, { currentPin: '815372', newPin: '603918' });
    admin = a.body.token;
    const audit = (await api<{ entries: AuditEntry[] }>('GET', '/api/v1/audit?action=auth.pin_changed', admin)).body.entries;
    expect(audit.map((e) => e.actor).sort()).toEqual(['it01', 'm01']);
  });
});

describe('the admin screen: staff and the set-up', () => {
  it('adds a teller with an initial PIN, disables them (signed out at once), gives a new PIN; keeps the last admin', async () => {
    const added = await api<StaffPinResponse>('POST', '/api/v1/staff', admin, { id: 't09', name: '周敏', role: 'teller', counterId: 2 });
    expect(added.status).toBe(201);
    expect(added.body.staff).toMatchObject({ id: 't09', role: 'teller', counterId: 2, active: true, mustChangePin: true });
    expect(added.body.pin).toMatch(/^\d{6}$/);
    const t09 = await api<{ token: string; mustChangePin: boolean }>('POST', '/api/v1/auth/login', undefined, { staffId: 't09', pin: added.body.pin });
    expect(t09.body.mustChangePin).toBe(true);
    const off = await api<{ active: boolean }>('PUT', '/api/v1/staff/t09', admin, { active: false });
    expect(off.body.active).toBe(false);
    expect((await api('POST', '/api/v1/auth/change-pin', t09.body.token, { currentPin: added.body.pin, newPin: '582019' })).status).toBe(401);
    const reset = await api<StaffPinResponse>('POST', '/api/v1/staff/t01/reset-pin', admin);
    expect(reset.body.pin).toMatch(/^\d{6}$/);
    expect(reset.body.staff.mustChangePin).toBe(true);
    expect((await api<{ error: { reason: string } }>('PUT', '/api/v1/staff/it01', admin, { active: false })).body.error.reason).toBe('own_account');
    expect((await api<{ error: { reason: string } }>('PUT', '/api/v1/staff/m01', admin, { counterId: 1 })).body.error.reason).toBe('not_a_teller');
    const audit = (await api<{ entries: AuditEntry[] }>('GET', '/api/v1/audit?action=staff.', admin)).body.entries;
    expect(audit.map((e) => e.action).sort()).toEqual(['staff.add', 'staff.disable', 'staff.reset_pin']);
    expect(audit.find((e) => e.action === 'staff.disable')!.detail).toMatchObject({ before: { active: true }, after: { active: false } });
  });

  it('edits the set-up as a branch file: problems with their line, the diff, applied live, a stale revision refused', async () => {
    const setup = (await api<BranchSetupResponse>('GET', '/api/v1/branch/setup', admin)).body;
    expect(setup.yaml).toContain('350102001');
    expect(setup.yaml).not.toMatch(/pin|secret/i);
    const broken = await api<BranchSetupCheckResponse>('POST', '/api/v1/branch/setup/check', admin, { yaml: setup.yaml.replace('code: E\n', 'code: e\n') });
    expect(broken.body.ok).toBe(false);
    expect(broken.body.issues[0]).toMatchObject({ path: expect.stringMatching(/^services\[\d\]\.code$/), line: expect.any(Number) });
    const renamed = setup.yaml.replace('en: Wealth management', 'en: Wealth & pensions');
    const check = await api<BranchSetupCheckResponse>('POST', '/api/v1/branch/setup/check', admin, { yaml: renamed });
    expect(check.body).toMatchObject({ ok: true, applied: false, changes: ['~ service E: name 理财 / Wealth management → 理财 / Wealth & pensions'] });
    const applied = await api<BranchSetupCheckResponse>('PUT', '/api/v1/branch/setup', admin, { yaml: renamed, revision: setup.revision });
    expect(applied.body).toMatchObject({ ok: true, applied: true });
    expect(applied.body.revision).toBe(setup.revision + 1);
    const branch = (await api<BranchInfo>('GET', '/api/v1/branch', manager)).body;
    expect(branch.services.find((s) => s.code === 'E')!.name.en).toBe('Wealth & pensions');
    const stale = await api<{ error: { reason: string } }>('PUT', '/api/v1/branch/setup', admin, { yaml: setup.yaml, revision: setup.revision });
    expect([stale.status, stale.body.error.reason]).toEqual([409, 'setup_changed']);
    expect((await api('GET', '/api/v1/branch/setup', manager)).status).toBe(403);
  });

  it('a re-run of setup prints the diff and applies it; the running hub follows; a counter in use is not taken out', async () => {
    const changed = join(dir, 'changed.yaml');
    writeFileSync(
      changed,
      readFileSync(EXAMPLE, 'utf8')
        .replace('  - { id: display-01, kind: display, secret: "gulou-display-4Rt8Wz1p", location: "waiting area" }\n', '')
        .replace('location: "entrance"', 'location: "main door"')
        .replace('targetWaitMinutes: 12', 'targetWaitMinutes: 10')
        .replace('{ id: t02, name: 吴婷, role: teller, pin: "591827", counter: 2 }', '{ id: t02, name: 吴婷, role: teller, pin: "591827", counter: 1 }'),
    );
    const r = await cli('setup', changed);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('~ rules queue.targetWaitMinutes 12 → 10');
    expect(r.out).toContain('~ staff t02: counter 2 → 1');
    expect(r.out).toContain('- device display-01 (retired, signed out)');
    expect(r.out).toContain('~ device kiosk-01: location "entrance" → "main door"');
    // The file still names the wealth service "Wealth management": setup puts it back.
    expect(r.out).toContain('~ service E: name 理财 / Wealth & pensions → 理财 / Wealth management');
    for (let i = 0; i < 30; i++) {
      const b = (await api<BranchInfo>('GET', '/api/v1/branch', manager)).body;
      if (b.services.find((s) => s.code === 'E')!.name.en === 'Wealth management') break;
      await new Promise((res) => setTimeout(res, 200));
    }
    expect((await api<BranchInfo>('GET', '/api/v1/branch', manager)).body.services.find((s) => s.code === 'E')!.name.en).toBe('Wealth management');

    // A teller calls a ticket at counter 2; a file without counter 2 is refused while it is open.
    const kiosk = (await api<{ token: string }>('POST', '/api/v1/auth/login', undefined, { deviceId: 'kiosk-01', secret: 'gulou-kiosk-7Hq2Lm9x' })).body.token;
    await api<CreateTicketResponse>('POST', '/api/v1/tickets', kiosk, { serviceCode: 'E', requestId: 'setup-open-ticket' });
    const t02 = (await api<{ token: string }>('POST', '/api/v1/auth/login', undefined, { staffId: 't02', pin: '591827', counterId: 2 })).body.token;
    await api('POST', '/api/v1/auth/change-pin', t02, { currentPin: '591827', newPin: '715203' });
    expect((await api('POST', '/api/v1/counters/2/call-next', t02)).status).toBe(200);
    const noTwo = join(dir, 'no-two.yaml');
    writeFileSync(noTwo, readFileSync(changed, 'utf8').replace(/  - id: 2\n[\s\S]*?services: \[\{ code: A \}, \{ code: B \}, \{ code: E \}\]\n/, '').replace('counter: 1 }', 'counter: 1 }'));
    const refused = await cli('setup', noTwo);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/refused: counter 2 cannot be taken out: ticket E\d+ is open there/);
    expect(refused.err).toContain('Nothing was changed.');
  });
});

describe('an import killed in the middle', () => {
  it('leaves the previous snapshot served; a re-run of the same feed completes', async () => {
    const feedDir = join(dir, 'big-feed');
    writeFullFeed(feedDir, { feedId: 'acrm-big', asOf: '2026-12-03', n: 60_000, branchId: '350102001' });
    const db = openDatabase(join(dir, 'branch.db'));
    const before = liveSnapshot(db, '350102001');
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src-main/hub/cli.ts'), 'import-feed', feedDir, `--data-dir=${dir}`, '--quiet'], {
      cwd: ROOT,
      stdio: 'ignore',
    });
    // Kill it once it is well into the files.
    for (let i = 0; i < 600; i++) {
      const run = db.prepare("SELECT rows_read FROM feed_run WHERE feed_id = 'acrm-big' AND status = 'running'").get() as { rows_read: number } | undefined;
      if (run && run.rows_read > 20_000) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    child.kill('SIGKILL');
    await new Promise((res) => child.once('exit', res));
    expect(db.prepare("SELECT status FROM feed_run WHERE feed_id = 'acrm-big'").pluck().all()).toEqual(['running']);
    expect(liveSnapshot(db, '350102001')).toEqual(before);
    // The lobby still answers, from the previous snapshot.
    expect((await api('GET', '/api/v1/queue', manager)).status).toBe(200);
    const r = await importFeed({ dataDir: dir, feedDir, by: 'test' });
    expect(r).toMatchObject({ status: 'done', counts: { 'customers.csv': 60_000 } });
    expect(db.prepare("SELECT status FROM feed_run WHERE feed_id = 'acrm-big' ORDER BY id").pluck().all()).toEqual(['interrupted', 'done']);
    expect(liveSnapshot(db, '350102001')!.feedId).toBe('acrm-big');
    db.close();
  }, 120_000);
});
