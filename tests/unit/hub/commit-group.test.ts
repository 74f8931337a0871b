import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Announcer, SILENT, type LobbyBroadcast } from '../../../src-main/hub/broadcast';
import { openDatabase, type Db } from '../../../src-main/hub/db/open';
import { CommitGroup } from '../../../src-main/hub/queue/commit-group';

let dir: string;
let db: Db;
let told: string[];
let announcer: Announcer;
let turns: (() => void)[];
let group: CommitGroup;

const broadcast: LobbyBroadcast = { ...SILENT, queueChanged: () => told.push(`changed (rows: ${count()})`) };
const count = () => (db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;
/** A use case: its own transaction (a savepoint inside the group's), then it tells the screens. */
const insert = (v: string) => () => {
  db.transaction(() => {
    if (v === 'bad') throw new Error('refused');
    db.prepare('INSERT INTO t (v) VALUES (?)').run(v);
  })();
  announcer.tell((b) => b.queueChanged());
  return v;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lobby-group-'));
  db = openDatabase(join(dir, 'branch.db'));
  db.exec('CREATE TABLE t (v TEXT UNIQUE)');
  told = [];
  announcer = new Announcer(broadcast, () => {});
  turns = [];
  group = new CommitGroup(db, announcer, { soon: (fn) => turns.push(fn), after: (_ms, fn) => turns.push(fn) });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const nextTurn = () => turns.shift()!();

describe('group commit', () => {
  it('writes what arrives together in one transaction; each answer comes after the commit; a refused one changes nothing for the others', async () => {
    const a = group.run(insert('a'));
    const bad = group.run(insert('bad'));
    const b = group.run(insert('b'));
    expect(turns).toHaveLength(1); // one turn scheduled for all three
    expect(count()).toBe(0);
    nextTurn();
    await expect(a).resolves.toBe('a');
    await expect(bad).rejects.toThrow('refused');
    await expect(b).resolves.toBe('b');
    expect(count()).toBe(2);
    // The screens heard of each change once, after the commit (both rows already there).
    expect(told).toEqual(['changed (rows: 2)', 'changed (rows: 2)']);
  });

  it('when SQLite gives up the whole transaction, every request of the group fails and nobody is told', async () => {
    const a = group.run(insert('a'));
    const lost = group.run(() => {
      db.exec('ROLLBACK'); // what SQLite does by itself on a full disk or an I/O error
      throw new Error('disk full');
    });
    const b = group.run(insert('b'));
    nextTurn();
    await expect(a).rejects.toThrow('disk full');
    await expect(lost).rejects.toThrow('disk full');
    await expect(b).rejects.toThrow('disk full');
    expect(count()).toBe(0);
    expect(told).toEqual([]);
  });

  it('flush writes what waits at once (the hub closing); in a rush the next group waits a little for more', async () => {
    const a = group.run(insert('a'));
    const b = group.run(insert('b'));
    group.flush();
    await expect(Promise.all([a, b])).resolves.toEqual(['a', 'b']);
    expect(count()).toBe(2);
    // The turn scheduled before the flush finds nothing to write.
    nextTurn();
    expect(count()).toBe(2);
    const c = group.run(insert('c'));
    expect(turns).toHaveLength(1);
    nextTurn();
    await expect(c).resolves.toBe('c');
    // Closed: nothing waits for a turn that will not come; each request is written at once.
    group.close();
    const d = group.run(insert('d'));
    expect(turns).toHaveLength(0);
    await expect(d).resolves.toBe('d');
    expect(count()).toBe(4);
  });
});
