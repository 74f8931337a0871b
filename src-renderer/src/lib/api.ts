/**
 * The screens' HTTP client, made from the hub's route table (@domain/routes): `request(name, input)`
 * knows each route's method, path and answer type, so no screen guesses a shape. Errors come back as
 * ApiError with the hub's code, its reason and the reason's values, so screens say them in their own
 * words. Paths are relative to the hub: the same origin in a browser, the hub's URL in the Electron
 * kiosk (lib/hub.ts).
 */
import type { ErrorBody, ErrorCode, ErrorReason, LoginRequest, LoginResponse } from '@domain/contracts';
import { ROUTES, pathOf, queryStringOf, type AnswerOf, type RequestOf, type RouteName, type Routes } from '@domain/routes';
import { hubUrlFor } from './hub';
import { HEAD_OFFICE_ROUTES, type HeadOfficeAnswer, type HeadOfficeBody, type HeadOfficeRouteName } from '@domain/head-office';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'network',
    message: string,
    /** Why the hub refused (null: no answer from the hub, or none given). */
    readonly reason: ErrorReason | null = null,
    /** The reason's values (a ticket number, a counter, a time ...). */
    readonly params: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** The arguments after the route name: the input may be left out when the route declares none. */
export type RequestArgs<N extends RouteName> = object extends RequestOf<Routes[N]> ? [input?: RequestOf<Routes[N]>] : [input: RequestOf<Routes[N]>];

export type Answer<N extends RouteName> = AnswerOf<Routes[N]>;

/** Calls one route of the hub. A 204 answers null; a document route (receipt, CSV) answers its text. */
export async function request<N extends RouteName>(name: N, token: string | null | undefined, ...args: RequestArgs<N>): Promise<Answer<N>> {
  const spec = ROUTES[name];
  const input = (args[0] ?? {}) as { params?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown };
  const headers: Record<string, string> = {};
  if (input.body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(hubUrlFor(pathOf(spec, input.params) + queryStringOf(input.query)), {
      method: spec.method,
      headers,
      body: input.body === undefined ? undefined : JSON.stringify(input.body),
    });
  } catch (err) {
    throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
  }
  if (res.status === 204) return null as Answer<N>;
  if (res.ok && 'produces' in spec && spec.produces === 'document') {
    // A document is text (CSV, SVG, a text receipt) or bytes (an ESC/POS receipt), as the hub typed it.
    const type = res.headers.get('content-type') ?? '';
    return (type.startsWith('application/octet-stream') ? new Uint8Array(await res.arrayBuffer()) : await res.text()) as Answer<N>;
  }
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const e = (data as ErrorBody | undefined)?.error;
    const { code, message, reason, details: _details, ...params } = e ?? { code: undefined, message: undefined, reason: undefined, details: undefined };
    throw new ApiError(res.status, (code as ErrorCode | undefined) ?? 'internal', (message as string | undefined) ?? res.statusText, reason ?? null, params);
  }
  return data as Answer<N>;
}

export function login(body: LoginRequest): Promise<LoginResponse> {
  return request('login', null, { body });
}

/**
 * Calls one route of head office (@domain/head-office HEAD_OFFICE_ROUTES): the head-office screens
 * are served by head office itself, so paths are same-origin. Errors as ApiError, like the hub's.
 */
export async function headOfficeRequest<N extends HeadOfficeRouteName>(
  name: N,
  token: string | null,
  body?: HeadOfficeBody<N>,
  query?: Record<string, string | number>,
): Promise<HeadOfficeAnswer<N>> {
  const spec = HEAD_OFFICE_ROUTES[name];
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(spec.path + queryStringOf(query), { method: spec.method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
  }
  const data = (await res.json().catch(() => undefined)) as unknown;
  if (!res.ok) {
    const e = (data as ErrorBody | undefined)?.error;
    throw new ApiError(res.status, (e?.code as ErrorCode | undefined) ?? 'internal', e?.message ?? res.statusText, (e?.reason as ErrorReason | undefined) ?? null);
  }
  return data as HeadOfficeAnswer<N>;
}
