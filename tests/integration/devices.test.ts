/**
 * Pairing kiosks and displays. Admins (only) list, pair, re-key and retire devices over
 * HTTP; the secret is returned once and never appears in a list or the audit log. The hub CLI
 * does the same on the data directory without a server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, DeviceListResponse, DeviceRetireResponse, DeviceSecretResponse } from '../../src-main/domain/contracts';
import { runDeviceCommand } from '../../src-main/hub/device-cli';
import { startHarness, type Harness } from './hub-harness';

let h: Harness;
let admin: string;

beforeAll(async () => {
  h = await startHarness({ customers: 20 });
  admin = (await h.login({ staffId: 'admin', pin: '9999' })).token;
});
afterAll(async () => {
  await h?.stop();
});

type Err = { error: { code: string; message: string } };
const list = async () => (await h.request<DeviceListResponse>('GET', '/api/v1/devices', { token: admin })).body.devices;
const pair = (body: unknown, token = admin) => h.request<DeviceSecretResponse & Err>('POST', '/api/v1/devices', { token, body });
const rekey = (id: string, token = admin) => h.request<DeviceSecretResponse & Err>('POST', `/api/v1/devices/${id}/rekey`, { token });
const retire = (id: string, token = admin) => h.request<DeviceRetireResponse & Err>('POST', `/api/v1/devices/${id}/retire`, { token });
const audit = async () => (await h.request<{ entries: AuditEntry[] }>('GET', '/api/v1/audit?limit=100', { token: admin })).body.entries;
const loginStatus = async (deviceId: string, secret: string) =>
  (await h.request('POST', '/api/v1/auth/login', { body: { deviceId, secret } })).status;
const branchAs = async (token: string) => (await h.request('GET', '/api/v1/notices', { token })).status;

describe('device desk over HTTP', () => {
  it('is for admins only', async () => {
    const manager = (await h.login({ staffId: 'm01', pin: '1111' })).token;
    const teller = (await h.login({ staffId: 't01', pin: '2222' })).token;
    const kiosk = (await h.login({ deviceId: 'kiosk-01', secret: 'demo' })).token;
    for (const token of [manager, teller, kiosk]) {
      expect((await h.request('GET', '/api/v1/devices', { token })).status).toBe(403);
      expect((await pair({ id: 'x-1', kind: 'kiosk' }, token)).status).toBe(403);
      expect((await rekey('kiosk-01', token)).status).toBe(403);
      expect((await retire('kiosk-01', token)).status).toBe(403);
    }
    expect((await h.request('GET', '/api/v1/devices')).status).toBe(401);
    expect((await pair({ id: 'x-1', kind: 'kiosk' }, '')).status).toBe(401);
    expect((await list()).map((d) => d.id)).not.toContain('x-1');
  });

  it('lists the demo devices without any secret', async () => {
    const res = await h.request<DeviceListResponse>('GET', '/api/v1/devices', { token: admin });
    expect(res.status).toBe(200);
    const ids = res.body.devices.map((d) => `${d.kind}:${d.id}:${d.active}`);
    expect(ids).toEqual(expect.arrayContaining(['kiosk:kiosk-01:true', 'display:display-01:true']));
    expect(JSON.stringify(res.body)).not.toMatch(/secret|scrypt|hash/i);
  });

  it('validates the request', async () => {
    expect((await pair({ id: 'kiosk 02', kind: 'kiosk' })).status).toBe(400);
    expect((await pair({ id: 'kiosk-02', kind: 'printer' })).status).toBe(400);
    expect((await pair({ id: 'kiosk-02', kind: 'kiosk', secret: 'mine' })).status).toBe(400);
    expect((await pair({ id: 'a'.repeat(65), kind: 'display' })).status).toBe(400);
    const dup = await pair({ id: 'kiosk-01', kind: 'kiosk' });
    expect(dup.status).toBe(409);
    expect(await loginStatus('kiosk-01', 'demo')).toBe(200); // the existing device is untouched
    expect((await rekey('nope-9')).status).toBe(404);
    expect((await retire('nope-9')).status).toBe(404);
  });

  let secret = '';
  it('pairs a device with a strong secret it can sign in with', async () => {
    const res = await pair({ id: 'kiosk-02', kind: 'kiosk' });
    expect(res.status).toBe(201);
    secret = res.body.secret;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(res.body.device).toMatchObject({ id: 'kiosk-02', kind: 'kiosk', active: true, sessions: 0, lastSignInAt: null });
    const other = await pair({ id: 'display-02', kind: 'display' });
    expect(other.body.secret).not.toBe(secret);

    expect(await loginStatus('kiosk-02', 'wrong')).toBe(401);
    const session = await h.login({ deviceId: 'kiosk-02', secret });
    expect(session.role).toBe('kiosk');
    expect(await branchAs(session.token)).toBe(200);
    const shown = (await list()).find((d) => d.id === 'kiosk-02')!;
    expect(shown.sessions).toBe(1);
    expect(Date.parse(shown.lastSignInAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect(JSON.stringify(await list())).not.toContain(secret);
  });

  it('re-keys: the old secret and its sessions stop working, the new one works', async () => {
    const before = await h.login({ deviceId: 'kiosk-02', secret });
    const socket = await h.socket(before.token);
    const dropped = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
    const res = await rekey('kiosk-02');
    expect(res.status).toBe(200);
    expect(res.body.secret).not.toBe(secret);
    expect(await dropped).toBe('io server disconnect');
    expect(await branchAs(before.token)).toBe(401);
    expect(await loginStatus('kiosk-02', secret)).toBe(401);
    secret = res.body.secret;
    expect(await loginStatus('kiosk-02', secret)).toBe(200);
  });

  it('retires: no more sign-in, every session revoked at once', async () => {
    const a = await h.login({ deviceId: 'kiosk-02', secret });
    expect(await branchAs(a.token)).toBe(200); // now in the session cache
    const socket = await h.socket(a.token);
    const dropped = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
    const res = await retire('kiosk-02');
    expect(res.status).toBe(200);
    expect(res.body.device.active).toBe(false);
    expect(res.body.revoked).toBeGreaterThanOrEqual(2);
    await dropped;
    expect(await branchAs(a.token)).toBe(401);
    expect(await loginStatus('kiosk-02', secret)).toBe(401);
    await expect(h.socket(a.token)).rejects.toThrow();
    expect((await list()).find((d) => d.id === 'kiosk-02')).toMatchObject({ active: false, sessions: 0 });
    // Other devices are untouched.
    expect(await loginStatus('kiosk-01', 'demo')).toBe(200);
  });

  it('re-keying a retired device brings it back with a new secret', async () => {
    const res = await rekey('kiosk-02');
    expect(res.body.device.active).toBe(true);
    expect(await loginStatus('kiosk-02', secret)).toBe(401);
    expect(await loginStatus('kiosk-02', res.body.secret)).toBe(200);
    secret = res.body.secret;
  });

  it('audits every change without the secret', async () => {
    const entries = (await audit()).filter((e) => e.action.startsWith('device.'));
    expect(entries.map((e) => `${e.action} ${e.subject}`).reverse()).toEqual([
      'device.pair kiosk-02',
      'device.pair display-02',
      'device.rekey kiosk-02',
      'device.retire kiosk-02',
      'device.rekey kiosk-02',
    ]);
    expect(entries.every((e) => e.actor === 'admin' && e.role === 'admin')).toBe(true);
    const raw = JSON.stringify(entries);
    expect(raw).not.toContain(secret);
    expect(raw).not.toMatch(/scrypt|secret"/);
  });
});

describe('device CLI on the data directory', () => {
  const run = (...argv: string[]) => {
    let out = '';
    let err = '';
    const code = runDeviceCommand([`--data-dir=${h.dataDir}`, ...argv], {}, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  };

  it('pairs, lists, re-keys and retires, printing the secret only when it is made', async () => {
    expect(run('pair-device', 'display-04', '--kind=display', '--location=').code).not.toBe(0); // an empty location is refused
    const paired = run('pair-device', 'display-03', '--kind=display', '--location=VIP lounge');
    expect(paired.code).toBe(0);
    const secret = /Secret:\s+(\S+)/.exec(paired.out)![1]!;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    // The running hub accepts it straight away.
    const session = await h.login({ deviceId: 'display-03', secret });
    expect(session.role).toBe('display');

    const listed = run('list-devices');
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/display-03\s+display\s+VIP lounge\s+yes\s+1/);
    expect(listed.out).toMatch(/kiosk-01\s+kiosk\s+\S+\s+yes/);
    expect(listed.out).not.toContain(secret);

    const again = run('rekey-device', 'display-03');
    expect(again.code).toBe(0);
    const secret2 = /Secret:\s+(\S+)/.exec(again.out)![1]!;
    expect(secret2).not.toBe(secret);
    expect(await loginStatus('display-03', secret)).toBe(401);
    expect(await loginStatus('display-03', secret2)).toBe(200);

    const retired = run('retire-device', 'display-03');
    expect(retired.code).toBe(0);
    expect(retired.out).toMatch(/Retired display display-03/);
    expect(await loginStatus('display-03', secret2)).toBe(401);
    expect(run('list-devices').out).toMatch(/display-03\s+display\s+VIP lounge\s+retired\s+0/);

    const cli = (await audit()).filter((e) => e.subject === 'display-03');
    expect(cli.map((e) => e.action).reverse()).toEqual(['device.pair', 'device.rekey', 'device.retire']);
    expect(cli.every((e) => e.actor.startsWith('cli:') && (e.role as string) === 'system')).toBe(true);
    expect(JSON.stringify(cli)).not.toContain(secret2);
  });

  it('refuses bad input with a message and an exit code', () => {
    expect(run('pair-device', 'kiosk-09').code).toBe(2); // no --kind
    expect(run('pair-device', 'kiosk-09', '--kind=printer').err).toMatch(/--kind=kiosk or --kind=display/);
    expect(run('pair-device', 'bad id!', '--kind=kiosk').code).toBe(2);
    expect(run('pair-device', 'kiosk-01', '--kind=kiosk')).toMatchObject({ code: 1, err: expect.stringMatching(/already exists/) });
    expect(run('retire-device', 'nope-1')).toMatchObject({ code: 1, err: expect.stringMatching(/not found/) });
    expect(run('rekey-device').code).toBe(2);
    const missing = runDeviceCommand(['--data-dir=/nonexistent/lobby', 'list-devices'], {}, { out: () => {}, err: () => {} });
    expect(missing).toBe(1);
    expect(run('list-devices', 'extra').code).toBe(0);
  });
});

describe('a retirement from the CLI reaches a hub already running on the data directory', () => {
  it('refuses the cached session once the cache is re-read (30 s)', async () => {
    let t = Date.now();
    const own = await startHarness({ customers: 5, now: () => t });
    try {
      const io = { out: () => {}, err: () => {} };
      let out = '';
      expect(runDeviceCommand([`--data-dir=${own.dataDir}`, 'pair-device', 'display-07', '--kind=display'], {}, { ...io, out: (s) => (out += s) })).toBe(0);
      const secret = /Secret:\s+(\S+)/.exec(out)![1]!;
      const { token } = await own.login({ deviceId: 'display-07', secret });
      const read = async () => (await own.request('GET', '/api/v1/notices', { token })).status;
      expect(await read()).toBe(200); // cached now
      expect(runDeviceCommand([`--data-dir=${own.dataDir}`, 'retire-device', 'display-07'], {}, io)).toBe(0);
      t += 31_000;
      expect(await read()).toBe(401);
      expect((await own.request('POST', '/api/v1/auth/login', { body: { deviceId: 'display-07', secret } })).status).toBe(401);
    } finally {
      await own.stop();
    }
  });
});
