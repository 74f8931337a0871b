/**
 * CORS for the Electron kiosk shell: its screens are served from app://kiosk and call the hub over
 * http, so the hub allows exactly that origin (HTTP API and socket.io) and no other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import type { BranchInfo } from '../../src-main/domain/contracts';
import { corsHeaders } from '../../src-main/hub/http/cors';
import { startHarness, type Harness } from './hub-harness';

let h: Harness;
let kiosk: string;

beforeAll(async () => {
  h = await startHarness({ customers: 20 });
  kiosk = (await h.login({ deviceId: 'kiosk-01', secret: 'demo' })).token;
});
afterAll(async () => h?.stop());

const preflight = (origin: string, path = '/api/v1/tickets', method = 'POST') =>
  fetch(h.hub.url + path, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization, content-type' },
  });

describe('HTTP API', () => {
  it('answers a preflight from app://kiosk with 204 and the allowed methods and headers', async () => {
    const res = await preflight('app://kiosk');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('app://kiosk');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST, PUT, OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
    expect(res.headers.get('vary')).toMatch(/Origin/);
    expect(await res.text()).toBe('');
    // Any path: the preflight is answered before routing.
    expect((await preflight('app://kiosk', '/api/v1/tickets/x/form', 'PUT')).status).toBe(204);
  });

  it('gives no CORS headers to any other origin', async () => {
    for (const origin of ['http://evil.example', 'app://evil', 'app://kiosk.evil.example', 'null', 'APP://KIOSK']) {
      const res = await preflight(origin);
      expect(res.status, origin).not.toBe(204);
      expect(res.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(res.headers.get('access-control-allow-methods'), origin).toBeNull();
      const get = await fetch(`${h.hub.url}/api/v1/branch`, { headers: { origin, authorization: `Bearer ${kiosk}` } });
      expect(get.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });

  it('adds the headers to real responses for app://kiosk, errors included', async () => {
    const ok = await fetch(`${h.hub.url}/api/v1/branch`, { headers: { origin: 'app://kiosk', authorization: `Bearer ${kiosk}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('app://kiosk');
    expect(((await ok.json()) as BranchInfo).services.length).toBeGreaterThan(0);
    const unauth = await fetch(`${h.hub.url}/api/v1/branch`, { headers: { origin: 'app://kiosk' } });
    expect(unauth.status).toBe(401);
    expect(unauth.headers.get('access-control-allow-origin')).toBe('app://kiosk');
    const missing = await fetch(`${h.hub.url}/api/v1/nothing-here`, { headers: { origin: 'app://kiosk' } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('access-control-allow-origin')).toBe('app://kiosk');
  });

  it('leaves same-origin requests (no Origin header) as they were', async () => {
    const res = await fetch(`${h.hub.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('vary') ?? '').not.toMatch(/Origin/);
  });

  it('corsHeaders matches the origin exactly', () => {
    expect(corsHeaders('app://kiosk')['access-control-allow-origin']).toBe('app://kiosk');
    expect(corsHeaders(undefined)).toEqual({});
    expect(corsHeaders(['app://kiosk'])).toEqual({});
    expect(corsHeaders('app://kiosk/')).toEqual({});
  });
});

describe('socket.io', () => {
  const sockets: Socket[] = [];
  afterAll(() => sockets.forEach((s) => s.disconnect()));

  function connect(origin: string, transports: ('websocket' | 'polling')[]) {
    const s = io(h.hub.url, {
      path: '/socket.io',
      auth: { token: kiosk },
      transports,
      extraHeaders: { origin },
      reconnection: false,
      forceNew: true,
      timeout: 3000,
    });
    sockets.push(s);
    return new Promise<'connected' | string>((resolve) => {
      s.once('connect', () => resolve('connected'));
      s.once('connect_error', (err) => resolve(err.message));
    });
  }

  it('accepts the kiosk shell origin, over websocket and long-polling', async () => {
    expect(await connect('app://kiosk', ['websocket'])).toBe('connected');
    expect(await connect('app://kiosk', ['polling'])).toBe('connected');
  });

  it('answers the polling preflight for app://kiosk only', async () => {
    const ask = (origin: string) =>
      fetch(`${h.hub.url}/socket.io/?EIO=4&transport=polling`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET' },
      });
    const ok = await ask('app://kiosk');
    expect(ok.status).toBeLessThan(300);
    expect(ok.headers.get('access-control-allow-origin')).toBe('app://kiosk');
    const evil = await ask('http://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});
