/**
 * Which device a request came from, for the audit log: the tablet's own id when the screen sends
 * `X-Device-Id` (letters, digits, dot, dash, underscore; at most 64), otherwise its network address.
 */
import type { FastifyRequest } from 'fastify';

const DEVICE_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function deviceOf(req: FastifyRequest): string {
  const header = req.headers['x-device-id'];
  const id = Array.isArray(header) ? header[0] : header;
  if (id && DEVICE_ID.test(id)) return `${id}@${req.ip}`;
  return req.ip;
}
