/**
 * HTTP client for the hub's /api/v1. Errors come back as ApiError with the hub's code and message,
 * so screens can show a translated, friendly sentence. Paths are relative to the hub: the same
 * origin in a browser, the hub's URL in the Electron kiosk (lib/hub.ts).
 */
import type { ErrorBody, ErrorCode, LoginRequest, LoginResponse } from '@domain/contracts';
import { hubUrlFor } from './hub';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'network',
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; token?: string | null } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let res: Response;
  try {
    res = await fetch(hubUrlFor(path), {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch (err) {
    throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const data = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const e = (data as ErrorBody | undefined)?.error;
    throw new ApiError(res.status, e?.code ?? 'internal', e?.message ?? res.statusText);
  }
  return data as T;
}

export function login(body: LoginRequest): Promise<LoginResponse> {
  return api<LoginResponse>('/api/v1/auth/login', { body });
}
