/**
 * The branch's kiosks and displays as they are now: connected or not (and since when), the app
 * version, uptime, printer, last ticket printed, the screen in front and free disk, from their
 * heartbeats over the socket (every 30 s). A printer out of paper (or offline) and a device silent
 * for two minutes alert the lobby managers once (toast and badge) until it is resolved, and are
 * counted in /metrics. The admin's Fleet tab is pushed every change.
 */
import type { DeviceHeartbeat, FleetDevice, FleetPrinterState, LobbyAlert } from '../../domain/contracts';
import type { Db } from '../db/open';
import type { Journal } from '../journal';
import type { Identity } from '../auth/sessions';
import { notFound } from '../errors';

/** A device not heard from for this long is offline, and the managers are told once. */
export const SILENT_AFTER_MS = 2 * 60_000;

interface StatusRow {
  id: string;
  kind: 'kiosk' | 'display';
  location: string | null;
  connected: number | null;
  since: number | null;
  last_seen_at: number | null;
  app_version: string | null;
  uptime_s: number | null;
  printer: FleetPrinterState | null;
  last_printed: string | null;
  screen: string | null;
  free_disk_mb: number | null;
  alerted: FleetDevice['alert'];
}

export interface FleetEvents {
  /** A device's row changed (the admin's Fleet tab). */
  changed(device: FleetDevice): void;
  /** The lobby managers should know. */
  alert(alert: LobbyAlert): void;
  /** Ask a device's screens to reload. */
  reload(deviceId: string): void;
}

export class Fleet {
  private readonly s;
  private events: FleetEvents = { changed() {}, alert() {}, reload() {} };

  constructor(
    db: Db,
    private readonly branchId: string,
    private readonly journal: Journal,
    private readonly now: () => number,
    private readonly onAlert: (kind: string) => void = () => {},
  ) {
    const select = `SELECT d.id, d.kind, d.location, s.connected, s.since, s.last_seen_at, s.app_version, s.uptime_s, s.printer,
        s.last_printed, s.screen, s.free_disk_mb, s.alerted
      FROM device d LEFT JOIN device_status s ON s.device_id = d.id
      WHERE d.branch_id = @branch AND d.active = 1`;
    this.s = {
      list: db.prepare(`${select} ORDER BY d.kind, d.id`),
      get: db.prepare(`${select} AND d.id = @id`),
      connect: db.prepare(
        `INSERT INTO device_status (device_id, connected, since, last_seen_at) VALUES (@id, 1, @now, @now)
         ON CONFLICT (device_id) DO UPDATE SET
           since = CASE WHEN connected = 1 THEN since ELSE @now END, connected = 1, last_seen_at = @now,
           alerted = CASE WHEN alerted = 'device_silent' THEN NULL ELSE alerted END`,
      ),
      disconnect: db.prepare('UPDATE device_status SET connected = 0, since = @now WHERE device_id = @id AND connected = 1'),
      heartbeat: db.prepare(
        `UPDATE device_status SET last_seen_at = @now, app_version = @appVersion, uptime_s = @uptimeSeconds, printer = COALESCE(@printer, printer),
           last_printed = COALESCE(@lastTicketPrinted, last_printed), screen = @screen, free_disk_mb = @freeDiskMb,
           since = CASE WHEN connected = 1 THEN since ELSE @now END, connected = 1
         WHERE device_id = @id`,
      ),
      setAlert: db.prepare('UPDATE device_status SET alerted = @alerted WHERE device_id = @id'),
      silent: db.prepare(
        `SELECT s.device_id AS id, d.location FROM device_status s JOIN device d ON d.id = s.device_id
          WHERE d.branch_id = @branch AND d.active = 1 AND s.last_seen_at < @before AND (s.alerted IS NULL OR s.alerted != 'device_silent')`,
      ),
    };
  }

  /** Where changes and alerts go (the socket server, once it is up). */
  tell(events: FleetEvents): void {
    this.events = events;
  }

  list(): FleetDevice[] {
    return (this.s.list.all({ branch: this.branchId }) as StatusRow[]).map((r) => this.toDevice(r));
  }

  get(id: string): FleetDevice {
    const row = this.s.get.get({ branch: this.branchId, id }) as StatusRow | undefined;
    if (!row) throw notFound('device_not_found', `device ${id} not found`, { deviceId: id });
    return this.toDevice(row);
  }

  /** A device's socket connected. */
  connected(deviceId: string): void {
    this.s.connect.run({ id: deviceId, now: this.now() });
    this.changed(deviceId);
  }

  /** The device's last socket closed. */
  disconnected(deviceId: string): void {
    this.s.disconnect.run({ id: deviceId, now: this.now() });
    this.changed(deviceId);
  }

  heartbeat(deviceId: string, hb: DeviceHeartbeat): void {
    const before = this.get(deviceId);
    this.s.heartbeat.run({ id: deviceId, now: this.now(), ...hb });
    // A printer that stopped: the managers are told once; a printer back to work clears it.
    const printer = hb.printer ?? before.printer;
    const stopped = printer === 'paper_out' ? 'printer_paper_out' : printer === 'offline' ? 'printer_offline' : null;
    if (stopped && before.alert !== stopped) {
      this.s.setAlert.run({ id: deviceId, alerted: stopped });
      this.raise({ kind: stopped, deviceId, ...(before.location ? { location: before.location } : {}), at: new Date(this.now()).toISOString() });
    } else if (!stopped && before.alert !== null) {
      // Heard from again with a working printer: whatever the managers were told is resolved.
      this.s.setAlert.run({ id: deviceId, alerted: null });
    }
    this.changed(deviceId);
  }

  /** Devices silent for two minutes: the managers are told once per silence. */
  sweep(): void {
    const before = this.now() - SILENT_AFTER_MS;
    for (const { id, location } of this.s.silent.all({ branch: this.branchId, before }) as { id: string; location: string | null }[]) {
      this.s.setAlert.run({ id, alerted: 'device_silent' });
      this.raise({ kind: 'device_silent', deviceId: id, ...(location ? { location } : {}), minutes: SILENT_AFTER_MS / 60_000, at: new Date(this.now()).toISOString() });
      this.changed(id);
    }
  }

  /** An administrator asks a device's screen to reload (audited). */
  reload(deviceId: string, who: Identity): FleetDevice {
    const device = this.get(deviceId);
    this.journal.auditBy(this.branchId, who, 'device.reload', `device:${deviceId}`, { kind: device.kind, online: device.online });
    this.events.reload(deviceId);
    return device;
  }

  /** Online / offline by kind and printers by state, for /metrics. */
  counts(): { online: Record<string, number>; offline: Record<string, number>; printers: Record<string, number> } {
    const out = { online: { kiosk: 0, display: 0 } as Record<string, number>, offline: { kiosk: 0, display: 0 } as Record<string, number>, printers: {} as Record<string, number> };
    for (const d of this.list()) {
      out[d.online ? 'online' : 'offline'][d.kind] = (out[d.online ? 'online' : 'offline'][d.kind] ?? 0) + 1;
      if (d.kind === 'kiosk' && d.printer) out.printers[d.printer] = (out.printers[d.printer] ?? 0) + 1;
    }
    return out;
  }

  private raise(alert: LobbyAlert): void {
    this.onAlert(alert.kind);
    this.events.alert(alert);
  }

  private changed(id: string): void {
    try {
      this.events.changed(this.get(id));
    } catch {
      /* retired meanwhile */
    }
  }

  private toDevice(r: StatusRow): FleetDevice {
    const now = this.now();
    const heard = r.last_seen_at !== null && now - r.last_seen_at < SILENT_AFTER_MS;
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      id: r.id,
      kind: r.kind,
      location: r.location,
      online: r.connected === 1 && heard,
      since: r.connected === 1 && !heard ? iso(r.last_seen_at) : iso(r.since),
      lastSeenAt: iso(r.last_seen_at),
      appVersion: r.app_version,
      uptimeSeconds: r.uptime_s,
      printer: r.printer,
      lastTicketPrinted: r.last_printed,
      screen: r.screen,
      freeDiskMb: r.free_disk_mb,
      alert: r.alerted,
    };
  }
}
