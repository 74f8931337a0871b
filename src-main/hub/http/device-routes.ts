/**
 * Device pairing over HTTP (issue 4, docs/API.md "Devices"): admins list the branch's kiosks and
 * displays, pair a new one, re-key one and retire one. The secret is in the answer to pair and
 * re-key only, never in a list and never in the audit log.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  DeviceIdSchema,
  PairDeviceRequestSchema,
  type DeviceListResponse,
  type DeviceRetireResponse,
  type DeviceSecretResponse,
  type Role,
} from '../../domain/contracts';
import type { Sessions } from '../auth/sessions';
import type { DeviceDesk } from '../desk/devices';
import { parseOr400 } from './errors';
import { deviceOf } from './device';

const ADMIN: readonly Role[] = ['admin'];

export function registerDeviceRoutes(app: FastifyInstance, devices: DeviceDesk, sessions: Sessions): void {
  const admin = (req: FastifyRequest) => {
    const who = sessions.require(req.headers.authorization, ADMIN);
    return { actor: who.subjectId, role: who.role, device: deviceOf(req) };
  };
  const deviceId = (req: FastifyRequest) => parseOr400(DeviceIdSchema, (req.params as Record<string, unknown>).id);
  const noStore = { 'cache-control': 'no-store' };

  app.get('/api/v1/devices', async (req): Promise<DeviceListResponse> => {
    admin(req);
    return { devices: devices.list() };
  });

  app.post('/api/v1/devices', async (req, reply) => {
    const who = admin(req);
    const body = parseOr400(PairDeviceRequestSchema, req.body);
    const res: DeviceSecretResponse = devices.pair(body, who);
    return reply.code(201).headers(noStore).send(res);
  });

  app.post('/api/v1/devices/:id/rekey', async (req, reply) => {
    const who = admin(req);
    const res: DeviceSecretResponse = devices.rekey(deviceId(req), who);
    return reply.headers(noStore).send(res);
  });

  app.post('/api/v1/devices/:id/retire', async (req): Promise<DeviceRetireResponse> => {
    const who = admin(req);
    return devices.retire(deviceId(req), who);
  });
}
