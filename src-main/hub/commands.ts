/**
 * The hub's command line: one table of commands, each with its flags, so `--help` lists them all
 * and an unknown command or flag is an error (exit 2) instead of a demo server starting by
 * surprise.
 *
 *   node out/main/hub.js [serve]                   run the branch hub (the default)
 *   node out/main/hub.js setup <branch-file>       create or update the branch from its file
 *   node out/main/hub.js import-feed <feed-dir>    load the warehouse feed
 *   node out/main/hub.js reset-pin <staff-id>      a new initial PIN for someone who forgot theirs
 *   node out/main/hub.js list-devices | pair-device <id> --kind=… | rekey-device <id> | retire-device <id>
 *
 * Exit codes: 0 done, 1 refused (a bad file, a refused feed …), 2 usage.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { randomPin } from './pins';
import { listBackups, restoreBackup, RestoreRefusedError, takeBackup } from './operations/backups';
import { attachSnapshot, snapshotsDir } from './customers/snapshot';
import { configFromEnv } from './config';
import { openDatabase } from './db/open';
import { loadBranch } from './branch';
import { hashSecret } from './auth/secrets';
import { Journal } from './journal';
import { IdentifierKey } from '../customer-data/identifier-key';
import { createEmptySnapshot, liveSnapshot, switchSnapshot } from './customers/snapshot';
import { DEVICE_COMMANDS, runDeviceCommand, type CliIo } from './device-cli';
import type { ImportProgress } from './feed/import';
import { importFeedInWorker } from './feed/import-in-worker';
import { applySetup, OtherBranchError, planSetup, readBranchFile } from './setup/branch-setup';

export type { CliIo };

interface CommandSpec {
  name: string;
  args: string;
  summary: string;
  /** Flags besides the common --data-dir and --help (names without the dashes; `name=` takes a value). */
  flags: readonly string[];
  positional: number;
}

const SERVE_FLAGS = [
  'port=',
  'host=',
  'public-url=',
  'demo-customers=',
  'no-demo',
  'log-level=',
  'printers=',
  'form-retention-days=',
  'tls-cert=',
  'tls-key=',
  'insecure-lan',
  'metrics-listen=',
  'backup-at=',
  'backup-keep=',
  'head-office-url=',
  'head-office-credential=',
];

export const COMMANDS: readonly CommandSpec[] = [
  { name: 'serve', args: '', summary: 'run the branch hub (the default): the screens, the API and the live lobby', flags: SERVE_FLAGS, positional: 0 },
  { name: 'setup', args: '<branch-file>', summary: 'create or update the branch from its YAML file (docs/SETUP.md); --check only shows what would change', flags: ['check'], positional: 1 },
  {
    name: 'import-feed',
    args: '<feed-dir>',
    summary: 'load the customer data warehouse feed (docs/FEED.md), safe while the hub runs',
    flags: ['max-reject-percent=', 'quiet', 'from-head-office'],
    positional: 1,
  },
  { name: 'reset-pin', args: '<staff-id>', summary: 'give a staff member a new initial PIN (shown once; they change it at the next sign-in)', flags: [], positional: 1 },
  { name: 'list-devices', args: '', summary: 'the paired kiosks and displays', flags: [], positional: 0 },
  { name: 'pair-device', args: '<device-id> --kind=kiosk|display', summary: 'pair a kiosk or display (its secret is shown once)', flags: ['kind='], positional: 1 },
  { name: 'rekey-device', args: '<device-id>', summary: 'a new secret for a device (the old one stops working)', flags: [], positional: 1 },
  { name: 'retire-device', args: '<device-id>', summary: 'a device may no longer sign in', flags: [], positional: 1 },
  { name: 'backup', args: '', summary: 'an online backup now (database, customer snapshot, key), checked; safe while the hub runs', flags: ['to='], positional: 0 },
  { name: 'list-backups', args: '', summary: 'the backups in <data-dir>/backups, newest first', flags: [], positional: 0 },
  {
    name: 'restore',
    args: '<backup>',
    summary: 'restore a backup directory (or a database file); refused while a hub runs here; the replaced files are kept aside',
    flags: [],
    positional: 1,
  },
];

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => `${c.name} ${c.args}`.trim().length));
  return [
    'Branch Lobby hub',
    '',
    'Usage: node out/main/hub.js [command] [arguments] [--data-dir=DIR] [flags]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${`${c.name} ${c.args}`.trim().padEnd(width)}  ${c.summary}`),
    '',
    'Every command works on the data directory of --data-dir= (or LOBBY_DATA_DIR; default ./data).',
    `serve flags: ${SERVE_FLAGS.map((f) => `--${f}${f.endsWith('=') ? '…' : ''}`).join(' ')}`,
    '  (and the LOBBY_* variables of the README); --help prints this.',
    'Exit codes: 0 done, 1 refused (a bad file, a refused feed, …), 2 usage.',
    '',
  ].join('\n');
}

export type Parsed = { kind: 'help' } | { kind: 'error'; message: string } | { kind: 'run'; command: CommandSpec; positional: string[]; argv: readonly string[] };

/** Finds the command and checks its flags and arguments. */
export function parseCommandLine(argv: readonly string[]): Parsed {
  if (argv.some((a) => a === '--help' || a === '-h') || argv[0] === 'help') return { kind: 'help' };
  const positional = argv.filter((a) => !a.startsWith('-'));
  const name = positional[0] ?? 'serve';
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) return { kind: 'error', message: `unknown command "${name}"` };
  const args = positional.slice(positional[0] ? 1 : 0);
  const allowed = ['data-dir=', ...command.flags];
  for (const a of argv.filter((x) => x.startsWith('-'))) {
    const flag = a.replace(/^--?/, '');
    const ok = allowed.some((f) => (f.endsWith('=') ? flag.startsWith(f) && flag.length > f.length : flag === f));
    if (!ok) return { kind: 'error', message: `unknown flag ${a} for ${command.name}` };
  }
  if (args.length !== command.positional) {
    return { kind: 'error', message: `${command.name} takes ${command.positional === 0 ? 'no arguments' : command.args}${args.length ? ` (got ${args.join(' ')})` : ''}` };
  }
  return { kind: 'run', command, positional: args, argv };
}

const flagValue = (argv: readonly string[], name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

function cliActor(): string {
  try {
    return `cli:${userInfo().username || 'unknown'}`;
  } catch {
    return 'cli:unknown';
  }
}

/** Runs a command other than serve; the exit code. */
export async function runCommand(p: Extract<Parsed, { kind: 'run' }>, env: NodeJS.ProcessEnv, io: CliIo & { tty?: boolean }): Promise<number> {
  const dataDir = configFromEnv(env, p.argv).dataDir;
  switch (p.command.name) {
    case 'setup':
      return setupCommand(p.positional[0]!, dataDir, p.argv.includes('--check'), io);
    case 'import-feed':
      return importCommand(p.positional[0]!, dataDir, p.argv, io);
    case 'reset-pin':
      return resetPinCommand(p.positional[0]!, dataDir, io);
    case 'backup':
      return backupCommand(dataDir, flagValue(p.argv, 'to'), io);
    case 'list-backups':
      return listBackupsCommand(dataDir, io);
    case 'restore':
      return restoreCommand(p.positional[0]!, dataDir, io);
    default:
      if ((DEVICE_COMMANDS as readonly string[]).includes(p.command.name)) return runDeviceCommand(p.argv, env, io);
      io.err(usage());
      return 2;
  }
}

function setupCommand(file: string, dataDir: string, check: boolean, io: CliIo): number {
  if (!existsSync(file)) {
    io.err(`${file}: no such file\n`);
    return 1;
  }
  const read = readBranchFile(readFileSync(file, 'utf8'));
  if (!read.ok) {
    for (const i of read.issues) io.err(`${file}${i.line ? `:${i.line}` : ''}: ${i.path ? `${i.path}: ` : ''}${i.message}\n`);
    io.err(`${read.issues.length} problem(s); nothing was changed.\n`);
    return 1;
  }
  mkdirSync(dataDir, { recursive: true });
  const db = openDatabase(join(dataDir, 'branch.db'));
  try {
    let plan;
    try {
      plan = planSetup(db, read.file, read.rules);
    } catch (err) {
      if (err instanceof OtherBranchError) {
        io.err(`${err.message}\n`);
        return 1;
      }
      throw err;
    }
    io.out(`Branch ${plan.branchId} (${read.file.branch.name['zh-CN']} / ${read.file.branch.name.en}) in ${dataDir}:\n`);
    if (plan.changes.length === 0) io.out('  nothing to change\n');
    for (const c of plan.changes) io.out(`  ${c}\n`);
    if (plan.refusals.length) {
      for (const r of plan.refusals) io.err(`refused: ${r}\n`);
      io.err('Nothing was changed.\n');
      return 1;
    }
    if (check || plan.changes.length === 0) {
      if (check && plan.changes.length) io.out('--check: nothing was changed.\n');
      return 0;
    }
    IdentifierKey.loadOrCreate(dataDir);
    applySetup(db, plan, { actor: cliActor(), role: 'system', device: `cli@${hostname()}` });
    // A new branch serves an empty customer snapshot until its first feed.
    if (!liveSnapshot(db, plan.branchId)) switchSnapshot(db, plan.branchId, { file: createEmptySnapshot(dataDir), feedId: 'none', asOf: null });
    io.out(`Applied ${plan.changes.length} change(s).${plan.created ? ' Next: import the customer feed (hub.js import-feed <dir>), then start the hub with --no-demo.' : ' A running hub picks them up within seconds.'}\n`);
    return 0;
  } finally {
    db.close();
  }
}

async function importCommand(feedDir: string, dataDir: string, argv: readonly string[], io: CliIo & { tty?: boolean }): Promise<number> {
  const raw = flagValue(argv, 'max-reject-percent');
  const maxRejectPercent = raw === undefined ? 1 : Number(raw);
  if (!Number.isFinite(maxRejectPercent) || maxRejectPercent < 0 || maxRejectPercent > 100) {
    io.err(`--max-reject-percent is a number 0-100 (got ${raw})\n`);
    return 2;
  }
  if (!existsSync(join(dataDir, 'branch.db'))) {
    io.err(`no branch database in ${dataDir}: set the branch up first (hub.js setup <branch-file> --data-dir=${dataDir})\n`);
    return 1;
  }
  const quiet = argv.includes('--quiet');
  // A progress bar on a terminal, one line per file otherwise (a log, a scheduler).
  const bar = io.tty && !quiet ? new SingleBar({ format: '{file} [{bar}] {percentage}% | {rows} rows | {rate} rows/s', hideCursor: true }, Presets.shades_classic) : null;
  let barFile = '';
  const onProgress = (p: ImportProgress) => {
    if (!bar) return;
    if (p.file !== barFile) {
      if (barFile) bar.stop();
      barFile = p.file;
      bar.start(Math.max(1, p.totalRows), 0, { file: p.file.padEnd(16), rows: '0', rate: '0' });
    }
    bar.update(p.rows, { rows: p.rows.toLocaleString('en'), rate: p.rowsPerSecond.toLocaleString('en') });
  };
  // In a worker thread with a bounded heap (feed/import-in-worker.ts).
  const result = await importFeedInWorker({
    dataDir,
    feedDir,
    // The running hub loads its slice of head office's customer data with this command too.
    by: argv.includes('--from-head-office') ? 'head-office' : cliActor(),
    background: true,
    maxRejectPercent,
    onProgress,
    onFile: (f) => {
      if (bar) {
        bar.update(f.rows);
        bar.stop();
        barFile = '';
      }
      if (!quiet) {
        io.out(`${f.file}: ${f.rows.toLocaleString('en')} rows, ${f.loaded.toLocaleString('en')} loaded, ${f.rejected} rejected (${(f.ms / 1000).toFixed(1)} s)\n`);
        for (const w of f.warnings) io.out(`  warning: ${w}\n`);
      }
    },
  });
  bar?.stop();
  if (result.status === 'done') {
    const c = result.counts;
    const parts = [
      `${(c['customers.csv'] ?? 0).toLocaleString('en')} customers`,
      `${(c['cards.csv'] ?? 0).toLocaleString('en')} cards`,
      `${(c['holdings.csv'] ?? 0).toLocaleString('en')} holdings`,
      ...(['products.csv', 'credit.csv', 'movements.csv', 'applications.csv', 'conversions.csv', 'deletions.csv'] as const)
        .filter((f) => c[f] !== undefined)
        .map((f) => `${c[f]!.toLocaleString('en')} ${f.replace('.csv', '')}`),
    ];
    io.out(
      `feed ${result.feedId} (${result.mode}, as of ${result.asOf}): ${parts.join(', ')}; ${result.rejected} rows rejected` +
        `${result.rejectsFile ? ` (${result.rejectsFile})` : ''}; ${(result.durationMs / 1000).toFixed(1)} s\n`,
    );
    return 0;
  }
  if (result.status === 'duplicate') {
    io.out(`${result.reason}\n`);
    return 0;
  }
  io.err(`feed ${result.feedId ?? '(no manifest)'} refused: ${result.reason}\nNothing the lobby sees was changed.\n`);
  return 1;
}

function resetPinCommand(staffId: string, dataDir: string, io: CliIo): number {
  if (!existsSync(join(dataDir, 'branch.db'))) {
    io.err(`no branch database in ${dataDir}\n`);
    return 1;
  }
  const db = openDatabase(join(dataDir, 'branch.db'));
  try {
    const branch = loadBranch(db);
    const staff = branch ? (db.prepare('SELECT id, name, active FROM staff WHERE id = ? AND branch_id = ?').get(staffId, branch.id) as { id: string; name: string; active: number } | undefined) : undefined;
    if (!branch || !staff) {
      io.err(`no staff member ${staffId} in this branch\n`);
      return 1;
    }
    const pin = randomPin();
    const hash = hashSecret(pin);
    const now = Date.now();
    db.transaction(() => {
      db.prepare('UPDATE staff SET pin_hash = ?, must_change_pin = 1 WHERE id = ?').run(hash, staffId);
      db.prepare('DELETE FROM session WHERE subject_id = ? AND branch_id = ?').run(staffId, branch.id);
      new Journal(db, () => now).audit({ branchId: branch.id, actor: cliActor(), role: 'system', device: `cli@${hostname()}`, action: 'staff.reset_pin', subject: `staff:${staffId}`, detail: {} });
    })();
    io.out(
      [
        `New initial PIN for ${staff.name} (${staffId}): ${pin}`,
        'Give it to them in person. It is shown only this once; they choose their own at the next sign-in.',
        staff.active ? '' : 'Note: this staff member is disabled; enable them in the branch file or the admin screen.',
        '',
      ]
        .filter((l, i, a) => l || i === a.length - 1)
        .join('\n'),
    );
    return 0;
  } finally {
    db.close();
  }
}

async function backupCommand(dataDir: string, to: string | undefined, io: CliIo): Promise<number> {
  const file = join(dataDir, 'branch.db');
  if (!existsSync(file)) {
    io.err(`${file} does not exist: nothing to back up\n`);
    return 1;
  }
  const db = openDatabase(file);
  try {
    const live = liveSnapshot(db, (db.prepare('SELECT id FROM branch LIMIT 1').pluck().get() as string | undefined) ?? '');
    if (live) attachSnapshot(db, join(snapshotsDir(dataDir), live.file));
    const b = await takeBackup(db, dataDir, 'command', { to });
    if (!b.check.ok) {
      io.err(`backup written to ${b.dir} but its integrity check failed: ${b.check.problems.join('; ')}\n`);
      return 1;
    }
    io.out(`backup ${b.dir}: schema version ${b.schemaVersion}, ${b.bytes.toLocaleString('en')} bytes, integrity check ok${b.files.snapshot ? `, customer snapshot ${b.files.snapshot}` : ''}${b.files.key ? ', branch.key' : ''}\n`);
    return 0;
  } finally {
    db.close();
  }
}

function listBackupsCommand(dataDir: string, io: CliIo): number {
  const all = listBackups(dataDir);
  if (all.length === 0) io.out(`no backups in ${join(dataDir, 'backups')}\n`);
  for (const b of all) io.out(`${b.at}  ${b.reason.padEnd(8)} v${b.schemaVersion}  ${b.check.ok ? 'ok     ' : 'FAILED '} ${b.dir}\n`);
  return 0;
}

function restoreCommand(source: string, dataDir: string, io: CliIo): number {
  try {
    const r = restoreBackup(dataDir, source);
    io.out(`restored ${r.from} (schema version ${r.schemaVersion}) into ${dataDir}: ${r.restored.join(', ')}\n`);
    if (r.setAside) io.out(`the replaced files are kept in ${r.setAside}\n`);
    io.out(
      `events, audit entries and offer answers written from now on are numbered after ${r.numberedAfter.events}, ${r.numberedAfter.audit} and ${r.numberedAfter.contacts}: ` +
        'head office keeps what it received since the backup and takes what comes now\n',
    );
    return 0;
  } catch (err) {
    if (err instanceof RestoreRefusedError) {
      io.err(`restore refused: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
