/**
 * Starts a real hub on port 0 with a temporary data directory and a small demo branch,
 * and gives tests typed helpers: sign-in, JSON requests, socket.io clients.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { createHub, type Hub, type HubOptions } from '../../src-main/hub/create-hub';
import type { ClientToServerEvents, LoginResponse, ServerToClientEvents } from '../../src-main/domain/contracts';
import { openBranchData } from '../helpers/branch-data';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface Harness {
  hub: Hub;
  dataDir: string;
  request<T = unknown>(method: string, path: string, opts?: { token?: string; body?: unknown; rawBody?: string }): Promise<{ status: number; body: T }>;
  login(who: { staffId: string; pin: string; counterId?: number } | { deviceId: string; secret: string }): Promise<LoginResponse>;
  /** A socket with the token; `auth` adds to the handshake (`{queueDelta: true}`: it applies deltas, as the screens do). */
  socket(token: string | null, auth?: Record<string, unknown>): Promise<TestSocket>;
  restart(options?: HubOptions): Promise<void>;
  stop(): Promise<void>;
  /**
   * The identity a kiosk's card reader sends for the customer with this phone: their debit card,
   * read (a read identification is trusted; a typed number is not, see domain/identification.ts).
   */
  cardRead(phone: string): { kind: 'card'; value: string; method: 'reader' };
}

export async function startHarness(options: HubOptions & { customers?: number; dataDir?: string } = {}): Promise<Harness> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'lobby-test-'));
  const sockets: TestSocket[] = [];
  const boot = (o: HubOptions) =>
    createHub({ port: 0, host: '127.0.0.1', dataDir, demoCustomers: options.customers ?? 300, logLevel: 'silent' }, o);
  let hub = await boot(options);

  const h: Harness = {
    get hub() {
      return hub;
    },
    dataDir,
    async request(method, path, opts = {}) {
      const headers: Record<string, string> = {};
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let body: string | undefined;
      if (opts.rawBody !== undefined) {
        headers['content-type'] = 'application/json';
        body = opts.rawBody;
      } else if (opts.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(opts.body);
      }
      const res = await fetch(hub.url + path, { method, headers, body });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as never };
    },
    async login(who) {
      const res = await h.request<LoginResponse>('POST', '/api/v1/auth/login', { body: who });
      if (res.status !== 200) throw new Error(`login failed ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    socket(token, extra = {}) {
      const s: TestSocket = io(hub.url, { path: '/socket.io', auth: token ? { token, ...extra } : { ...extra }, transports: ['websocket'], reconnection: false, forceNew: true });
      sockets.push(s);
      return new Promise((resolve, reject) => {
        s.once('connect', () => resolve(s));
        s.once('connect_error', (err) => reject(err));
      });
    },
    async restart(o = {}) {
      for (const s of sockets.splice(0)) s.disconnect();
      await hub.close();
      hub = await boot(o);
    },
    async stop() {
      for (const s of sockets.splice(0)) s.disconnect();
      await hub.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
    cardRead(phone) {
      const db = openBranchData(dataDir);
      try {
        const row = db
          .prepare(`SELECT k.card_number FROM card_plain k JOIN customer_plain c ON c.id = k.customer_id WHERE c.phone = ? ORDER BY k.kind = 'debit' DESC, k.card_number LIMIT 1`)
          .get(phone) as { card_number: string } | undefined;
        if (!row) throw new Error(`no card for ${phone}`);
        return { kind: 'card', value: row.card_number, method: 'reader' };
      } finally {
        db.close();
      }
    },
  };
  return h;
}

/** Resolves with the first event of that name, or rejects after `ms`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  s: TestSocket,
  event: E,
  ms = 3000,
  filter: (...args: Parameters<ServerToClientEvents[E]>) => boolean = () => true,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      s.off(event, handler as never);
      reject(new Error(`no ${String(event)} within ${ms} ms`));
    }, ms);
    const handler = (...args: Parameters<ServerToClientEvents[E]>) => {
      if (!filter(...args)) return;
      clearTimeout(timer);
      s.off(event, handler as never);
      resolve(args[0]);
    };
    s.on(event, handler as never);
  });
}

/** Collects every event of that name until stopped. */
export function collect<E extends keyof ServerToClientEvents>(s: TestSocket, event: E) {
  const seen: Parameters<ServerToClientEvents[E]>[0][] = [];
  const handler = (arg: Parameters<ServerToClientEvents[E]>[0]) => seen.push(arg);
  s.on(event, handler as never);
  return { seen, stop: () => s.off(event, handler as never) };
}

let counter = 0;
export const requestId = () => `test-${process.pid}-${Date.now().toString(36)}-${(counter++).toString(36)}`;
