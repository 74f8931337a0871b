/**
 * HTTPS on the branch network: with a certificate and key the hub answers over TLS on the LAN
 * address it was given (with HSTS); without, it answers plain HTTP on loopback only.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHub } from '../../src-main/hub/create-hub';

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'lobby-tls-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function getJson(url: string, ca: Buffer): Promise<{ status: number; headers: Record<string, unknown>; body: unknown }> {
  return new Promise((resolve, reject) => {
    get(url, { ca }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) }));
    }).on('error', reject);
  });
}

describe('HTTPS', () => {
  it('with a certificate: TLS, the address asked for, HSTS', async () => {
    const dir = temp();
    const cert = join(dir, 'hub.crt');
    const key = join(dir, 'hub.key');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const hub = await createHub({ port: 0, host: '127.0.0.1', dataDir: join(dir, 'data'), demoCustomers: 20, logLevel: 'silent', tlsCert: cert, tlsKey: key });
    try {
      expect(hub.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const res = await getJson(`${hub.url}/livez`, readFileSync(cert));
      expect(res.status).toBe(200);
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      await expect(fetch(`${hub.url.replace('https', 'http')}/livez`)).rejects.toThrow();
    } finally {
      await hub.close();
    }
  }, 60_000);

  it('without one, asked for every interface: plain HTTP on loopback only', async () => {
    const hub = await createHub({ port: 0, host: '0.0.0.0', dataDir: join(temp(), 'data'), demoCustomers: 20, logLevel: 'silent' });
    try {
      expect(hub.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
      expect((await fetch(`${hub.url}/livez`)).status).toBe(200);
    } finally {
      await hub.close();
    }
  }, 60_000);

  it('a certificate without its key is refused with a clear message', async () => {
    await expect(createHub({ port: 0, host: '127.0.0.1', dataDir: join(temp(), 'data'), logLevel: 'silent', tlsCert: '/x.crt' })).rejects.toThrow(/tlsCert and tlsKey go together/);
  });
});
