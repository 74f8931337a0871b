/**
 * Backups, restores and upgrades as branch IT meets them: an online backup taken while tickets
 * are issued holds every ticket acknowledged before it began; a restore refuses while a hub runs,
 * refuses a newer or damaged backup, keeps what it replaces aside and gives a hub that starts on
 * it; a database from the first released schema is upgraded through every migration with its data
 * (and a copy kept first); the hub refuses a database it cannot trust, naming the file.
 */
import { chmodSync, closeSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateTicketResponse } from '../../src-main/domain/contracts';
import { createHub } from '../../src-main/hub/create-hub';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../src-main/hub/db/migrations';
import { openDatabase, migrate } from '../../src-main/hub/db/open';
import { attachSnapshot, liveSnapshot, snapshotsDir } from '../../src-main/hub/customers/snapshot';
import { listBackups, RESTORE_NUMBERING_GAP, restoreBackup, takeBackup } from '../../src-main/hub/operations/backups';
import { parseCommandLine, runCommand } from '../../src-main/hub/commands';
import { requestId, startHarness, type Harness } from './hub-harness';

let h: Harness;
const temp: string[] = [];
const tempDir = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), p));
  temp.push(d);
  return d;
};

beforeAll(async () => {
  h = await startHarness({ customers: 40 });
}, 60_000);
afterAll(async () => {
  await h?.stop();
  for (const d of temp) rmSync(d, { recursive: true, force: true });
});

describe('an online backup', () => {
  it('taken under load holds every ticket acknowledged before it began; a restore gives a hub that serves them', async () => {
    const kiosk = (await h.login({ deviceId: 'kiosk-01', secret: 'demo' })).token;
    const acknowledged: { id: string; at: number }[] = [];
    let issuing = true;
    const load = (async () => {
      for (let i = 0; issuing; i++) {
        const r = await h.request<CreateTicketResponse>('POST', '/api/v1/tickets', { token: kiosk, body: { serviceCode: 'ABCE'[i % 4], requestId: requestId() } });
        if (r.status === 201) acknowledged.push({ id: r.body.ticket.id, at: Date.now() });
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    // The command-line path: its own connection to the running hub's files.
    const db = openDatabase(join(h.dataDir, 'branch.db'));
    const branchId = db.prepare('SELECT id FROM branch').pluck().get() as string;
    const live = liveSnapshot(db, branchId)!;
    attachSnapshot(db, join(snapshotsDir(h.dataDir), live.file));
    const started = Date.now();
    const backup = await takeBackup(db, h.dataDir, 'command');
    db.close();
    await new Promise((r) => setTimeout(r, 200));
    issuing = false;
    await load;

    expect(backup.check).toEqual({ ok: true, problems: [] });
    expect(backup.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(backup.files).toEqual({ database: 'branch.db', snapshot: live.file, key: 'branch.key' });
    expect((statSync(join(backup.dir, 'branch.key')).mode & 0o777).toString(8)).toBe('600');
    expect(listBackups(h.dataDir).map((b) => b.dir)).toContain(backup.dir);
    const before = acknowledged.filter((t) => t.at < started);
    expect(before.length).toBeGreaterThan(5);
    expect(acknowledged.length).toBeGreaterThan(before.length);

    // Refused while the hub runs on the directory.
    expect(() => restoreBackup(h.dataDir, backup.dir)).toThrow(/runs on/);

    // Restored into another directory: a hub starts on it and has every ticket acknowledged before the backup.
    const target = tempDir('lobby-restore-');
    writeFileSync(join(target, 'branch.db'), 'the database being replaced');
    const r = restoreBackup(target, backup.dir);
    expect(r.setAside).toBeTruthy();
    expect(readdirSync(r.setAside!)).toContain('branch.db');
    const copy = new Database(join(target, 'branch.db'), { readonly: true });
    const ids = new Set(copy.prepare('SELECT id FROM ticket').pluck().all() as string[]);
    copy.close();
    expect(before.filter((t) => !ids.has(t.id))).toEqual([]);
    const hub = await createHub({ port: 0, host: '127.0.0.1', dataDir: target, demo: false, logLevel: 'silent' });
    try {
      const ready = await fetch(`${hub.url}/readyz`);
      expect(ready.status).toBe(200);
      const manager = (await (await fetch(`${hub.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ staffId: 'm01', pin: '1111' }) })).json()) as { token: string };
      const card = await fetch(`${hub.url}/api/v1/cards`, { headers: { authorization: `Bearer ${manager.token}` } });
      expect(card.status).toBe(200);
    } finally {
      await hub.close();
    }
  }, 60_000);

  it('a restore refuses a backup from a newer version and a damaged one', async () => {
    const dir = tempDir('lobby-newer-');
    const file = join(dir, 'newer.db');
    const db = new Database(file);
    db.exec('CREATE TABLE x (a)');
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();
    const target = tempDir('lobby-target-');
    expect(() => restoreBackup(target, file)).toThrow(/newer Branch Lobby/);
    expect(existsSync(join(target, 'branch.db'))).toBe(false);
    const damaged = join(dir, 'damaged.db');
    writeFileSync(damaged, Buffer.alloc(8192, 7));
    expect(() => restoreBackup(target, damaged)).toThrow(/integrity check/);
  });
});

describe('upgrades', () => {
  it('a database made by the first released schema runs every migration and keeps its data (no copy of its identifiers in clear)', () => {
    const dir = tempDir('lobby-upgrade-');
    const file = join(dir, 'branch.db');
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    migrate(old, MIGRATIONS.slice(0, 1));
    old.prepare("INSERT INTO branch (id, name_zh, name_en, rules_json) VALUES ('350102001', '旧网点', 'Old branch', '{}')").run();
    old.prepare("INSERT INTO staff (id, branch_id, name, role, pin_hash, active) VALUES ('m09', '350102001', 'Old manager', 'manager', 'x', 1)").run();
    old.close();

    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare("SELECT name FROM staff WHERE id = 'm09'").pluck().get()).toBe('Old manager');
    expect(db.prepare("SELECT name_en FROM branch WHERE id = '350102001'").pluck().get()).toBe('Old branch');
    db.close();
    // Before version 12 the customers' numbers were in clear: no copy keeps them after the upgrade.
    expect(existsSync(join(dir, 'backups')) ? readdirSync(join(dir, 'backups')) : []).toEqual([]);
  });

  it('a copy is kept before migrating a database that holds no identifiers in clear', () => {
    const dir = tempDir('lobby-upgrade13-');
    const file = join(dir, 'branch.db');
    const old = new Database(file);
    migrate(old, MIGRATIONS.slice(0, 13));
    old.close();
    openDatabase(file).close();
    const copies = readdirSync(join(dir, 'backups'));
    expect(copies).toEqual([expect.stringMatching(new RegExp(`before-migration-v13-to-v${LATEST_SCHEMA_VERSION}\\.db$`))]);
    const copy = new Database(join(dir, 'backups', copies[0]!), { readonly: true });
    expect(copy.pragma('user_version', { simple: true })).toBe(13);
    copy.close();
  });
});

describe('the database at start', () => {
  const start = (dataDir: string) => createHub({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent' });

  it('a 0-byte branch.db is refused, never turned into a new demo branch', async () => {
    const dir = tempDir('lobby-empty-');
    writeFileSync(join(dir, 'branch.db'), '');
    await expect(start(dir)).rejects.toThrow(/branch\.db: the file is empty \(0 bytes\)/);
    expect(statSync(join(dir, 'branch.db')).size).toBe(0);
  });

  it('random bytes over its pages are found by the check at start, naming the file', async () => {
    const dir = tempDir('lobby-damaged-');
    const db = openDatabase(join(dir, 'branch.db'));
    db.exec('CREATE TABLE filler (x TEXT); ');
    const put = db.prepare('INSERT INTO filler VALUES (?)');
    for (let i = 0; i < 2000; i++) put.run('x'.repeat(200));
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const fd = openSync(join(dir, 'branch.db'), 'r+');
    const junk = Buffer.alloc(4096 * 3);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919) % 251;
    writeSync(fd, junk, 0, junk.length, 4096 * 20);
    closeSync(fd);
    await expect(start(dir)).rejects.toThrow(/branch\.db.*(damaged|not a usable|malformed)/);
  });

  it('a read-only branch.db is refused at start, naming the file', async () => {
    if (process.getuid?.() === 0) {
      // root may write any file: check the refusal by the database itself (read-only open).
      const dir = tempDir('lobby-ro-');
      openDatabase(join(dir, 'branch.db')).close();
      const ro = new Database(join(dir, 'branch.db'), { readonly: true });
      expect(() => ro.prepare('INSERT INTO hub_probe (id, at) VALUES (1, 1)').run()).toThrow(/readonly/);
      ro.close();
      return;
    }
    const dir = tempDir('lobby-ro-');
    openDatabase(join(dir, 'branch.db')).close();
    chmodSync(join(dir, 'branch.db'), 0o444);
    await expect(start(dir)).rejects.toThrow(/branch\.db: the file is not writable/);
  });

  it('a failing migration is named, and nothing is half applied', () => {
    const dir = tempDir('lobby-partial-');
    const file = join(dir, 'branch.db');
    const db = new Database(file);
    migrate(db, MIGRATIONS.slice(0, LATEST_SCHEMA_VERSION - 1));
    db.close();
    // The next two migrations: the real last one, then one that cannot be applied to this file (what it
    // makes exists already: a hand-made change, a half-copied file).
    const failing = { version: LATEST_SCHEMA_VERSION + 1, name: 'a table that is already there', sql: 'CREATE TABLE device (id INTEGER PRIMARY KEY);' };
    expect(() => openDatabase(file, { migrations: [...MIGRATIONS, failing] })).toThrow(
      new RegExp(`branch\\.db: migration ${failing.version} \\(".*"\\) could not be applied .*version ${LATEST_SCHEMA_VERSION - 1}.*Nothing was changed`),
    );
    const after = new Database(file);
    // Not even the real one before it: all pending migrations share one transaction.
    expect(after.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION - 1);
    after.close();
  });
});

describe('the command line', () => {
  async function cli(dir: string, ...argv: string[]) {
    let out = '';
    let err = '';
    const parsed = parseCommandLine([...argv, `--data-dir=${dir}`]);
    if (parsed.kind !== 'run') throw new Error(JSON.stringify(parsed));
    const code = await runCommand(parsed, {}, { out: (t) => void (out += t), err: (t) => void (err += t) });
    return { code, out, err };
  }

  it('backup, list-backups and restore; restore refuses while the hub runs', async () => {
    const taken = await cli(h.dataDir, 'backup');
    expect(taken).toMatchObject({ code: 0, err: '' });
    expect(taken.out).toMatch(/^backup .*-command: schema version \d+, [\d,]+ bytes, integrity check ok, customer snapshot .*\.db, branch\.key\n$/);
    const dir = /^backup (.*?): /.exec(taken.out)![1]!;
    const listed = await cli(h.dataDir, 'list-backups');
    expect(listed.out).toContain(dir);
    const refused = await cli(h.dataDir, 'restore', dir);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^restore refused: a hub \(process \d+\) runs on/);
    const target = tempDir('lobby-cli-restore-');
    const restored = await cli(target, 'restore', dir);
    expect(restored.code).toBe(0);
    expect(restored.out).toContain(`restored ${dir}`);
    // What is written from now on is numbered past what the days since the backup can have used
    // (head office holds those under their numbers): the numbering moved on by the gap.
    const source = new Database(join(dir, 'branch.db'), { readonly: true });
    const before = source.prepare('SELECT MAX(offset) FROM event_log').pluck().get() as number;
    source.close();
    expect(restored.out).toMatch(/written from now on are numbered after \d+, \d+ and \d+/);
    const back = openDatabase(join(target, 'branch.db'));
    try {
      const seq = (name: string) => back.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').pluck().get(name) as number;
      expect(seq('event_log')).toBe(before + RESTORE_NUMBERING_GAP);
      expect(seq('audit_log')).toBeGreaterThan(RESTORE_NUMBERING_GAP);
      expect(seq('offer_outcome')).toBeGreaterThanOrEqual(RESTORE_NUMBERING_GAP);
      back.prepare("INSERT INTO event_log (branch_id, type, payload_json, at) VALUES ('x', 'test.restored', '{}', 0)").run();
      expect(back.prepare('SELECT MAX(offset) FROM event_log').pluck().get()).toBe(before + RESTORE_NUMBERING_GAP + 1);
    } finally {
      back.close();
    }
    expect(parseCommandLine(['restore'])).toEqual({ kind: 'error', message: 'restore takes <backup>' });
  });
});
