/**
 * Device pairing from the hub machine's command line (docs/INSTALL.md step "Pair the
 * kiosks and displays"), working on the data directory without starting the server:
 *
 *   node out/main/hub.js [--data-dir=DIR] list-devices
 *   node out/main/hub.js [--data-dir=DIR] pair-device <id> --kind=kiosk|display [--location=TEXT]
 *   node out/main/hub.js [--data-dir=DIR] rekey-device <id>
 *   node out/main/hub.js [--data-dir=DIR] retire-device <id>
 *
 * The data directory comes from --data-dir= or LOBBY_DATA_DIR (default `data`), as for the hub.
 * The secret is printed once; it is stored only as a hash. Changes are audited with the actor
 * `cli:<os user>`. A hub already running on the same data directory notices a retirement within
 * 30 seconds (its session cache is re-read); screens already connected are dropped at their next
 * reconnection — retire from the admin screen for an immediate cut-off.
 */
import { existsSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { DeviceIdSchema, DeviceKindSchema, DeviceLocationSchema, type DeviceInfo } from '../domain/contracts';
import { Sessions } from './auth/sessions';
import { loadBranch } from './branch';
import { configFromEnv } from './config';
import { openDatabase } from './db/open';
import { Devices } from './devices/devices';
import { HubError } from './errors';
import { Journal } from './journal';

export const DEVICE_COMMANDS = ['list-devices', 'pair-device', 'rekey-device', 'retire-device'] as const;
export type DeviceCommand = (typeof DEVICE_COMMANDS)[number];

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const USAGE = [
  'Usage:',
  '  node out/main/hub.js [--data-dir=DIR] list-devices',
  '  node out/main/hub.js [--data-dir=DIR] pair-device <id> --kind=kiosk|display [--location=TEXT]',
  '  node out/main/hub.js [--data-dir=DIR] rekey-device <id>',
  '  node out/main/hub.js [--data-dir=DIR] retire-device <id>',
].join('\n');

/** The device command named in argv (the first argument that is not a --flag), or null. */
export function deviceCommandOf(argv: readonly string[]): DeviceCommand | null {
  const first = argv.find((a) => !a.startsWith('--'));
  return first && (DEVICE_COMMANDS as readonly string[]).includes(first) ? (first as DeviceCommand) : null;
}

/** Runs a device command; returns the process exit code (0 ok, 1 refused, 2 usage). */
export function runDeviceCommand(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo, now: () => number = Date.now): number {
  const command = deviceCommandOf(argv);
  const positional = argv.filter((a) => !a.startsWith('--'));
  if (!command) {
    io.err(`${USAGE}\n`);
    return 2;
  }
  const dataDir = configFromEnv(env, argv).dataDir;
  const file = join(dataDir, 'branch.db');
  if (!existsSync(file)) {
    io.err(`No branch database at ${file}. Pass --data-dir= (or LOBBY_DATA_DIR) pointing at the hub's data directory.\n`);
    return 1;
  }
  const db = openDatabase(file);
  try {
    const branch = loadBranch(db);
    if (!branch) {
      io.err(`The database in ${dataDir} has no branch yet.\n`);
      return 1;
    }
    const desk = new Devices(db, branch.id, new Sessions(db, now), new Journal(db, now), now);
    const who = { actor: `cli:${safeUser()}`, role: 'system' as const, device: `cli@${hostname()}` };
    const id = () => {
      const raw = positional[1];
      const r = DeviceIdSchema.safeParse(raw ?? '');
      if (!r.success) throw new HubError('validation_failed', raw ? r.error.issues[0]!.message : `${command} needs a device id`);
      return r.data;
    };
    switch (command) {
      case 'list-devices': {
        const list = desk.list();
        if (list.length === 0) io.out(`No devices paired in branch ${branch.id}.\n`);
        else io.out(`${table(list)}\n`);
        return 0;
      }
      case 'pair-device': {
        const deviceId = id();
        const kindArg = argv.find((a) => a.startsWith('--kind='))?.slice('--kind='.length);
        const kind = DeviceKindSchema.safeParse(kindArg);
        if (!kind.success) throw new HubError('validation_failed', '--kind=kiosk or --kind=display is required');
        const locationArg = argv.find((a) => a.startsWith('--location='))?.slice('--location='.length);
        const location = locationArg === undefined ? undefined : DeviceLocationSchema.safeParse(locationArg);
        if (location && !location.success) throw new HubError('validation_failed', `--location: ${location.error.issues[0]!.message}`);
        const r = desk.pair({ id: deviceId, kind: kind.data, ...(location?.success ? { location: location.data } : {}) }, who);
        io.out(secretText(`Paired ${r.device.kind} ${r.device.id} in branch ${branch.id}.`, r.device.id, r.secret));
        return 0;
      }
      case 'rekey-device': {
        const r = desk.rekey(id(), who);
        io.out(secretText(`New secret for ${r.device.kind} ${r.device.id}; the old one no longer works.`, r.device.id, r.secret));
        return 0;
      }
      case 'retire-device': {
        const r = desk.retire(id(), who);
        io.out(`Retired ${r.device.kind} ${r.device.id}: it can no longer sign in (${r.revoked} session(s) revoked).\n`);
        return 0;
      }
    }
  } catch (err) {
    if (err instanceof HubError) {
      io.err(`${err.message}\n`);
      return err.code === 'validation_failed' ? 2 : 1;
    }
    throw err;
  } finally {
    db.close();
  }
}

function secretText(head: string, id: string, secret: string): string {
  return [
    head,
    '',
    `  Device id: ${id}`,
    `  Secret:    ${secret}`,
    '',
    'Enter both on the device now. The secret is shown only this once and is stored only as a hash;',
    'if it is lost, re-key the device (rekey-device) to get a new one.',
    '',
  ].join('\n');
}

function table(list: readonly DeviceInfo[]): string {
  const rows = [
    ['ID', 'KIND', 'LOCATION', 'ACTIVE', 'SESSIONS', 'LAST SIGN-IN'],
    ...list.map((d) => [d.id, d.kind, d.location ?? '-', d.active ? 'yes' : 'retired', String(d.sessions), d.lastSignInAt ?? '-']),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

function safeUser(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
