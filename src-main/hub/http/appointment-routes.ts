/**
 * Appointments over HTTP (issue 3, docs/API.md "Appointments"): book (manager, admin), list a day
 * (staff; customers masked), cancel (manager, admin), and the kiosk's check-in by booking code.
 * A refused check-in answers the usual error body plus `reason` (too early: when check-in opens).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  AppointmentIdParamSchema,
  AppointmentListQuerySchema,
  CancelAppointmentSchema,
  CheckInRequestSchema,
  CreateAppointmentSchema,
  type AppointmentListResponse,
  type AppointmentResponse,
  type Role,
} from '../../domain/contracts';
import type { Sessions } from '../auth/sessions';
import type { Lobby } from '../lobby';
import type { Db } from '../db/open';
import { AppointmentDesk, CheckInRefused } from '../desk/appointments';
import { parseOr400 } from './errors';
import { deviceOf } from './device';

const BOOKERS: readonly Role[] = ['manager', 'admin'];
const READERS: readonly Role[] = ['manager', 'teller', 'admin'];
/** Missed bookings are swept this often. */
const SWEEP_MS = 60_000;

export interface AppointmentRouteOptions {
  /** The demo branch: its appointments are written for each business day (hub/demo/appointments.ts). */
  seedDemo?: (db: Db, branchId: string, now: number) => void;
  onError?: (err: unknown) => void;
}

export function registerAppointmentRoutes(app: FastifyInstance, lobby: Lobby, sessions: Sessions, options: AppointmentRouteOptions = {}): AppointmentDesk {
  const desk = new AppointmentDesk(lobby, { seedDemo: options.seedDemo });
  const auth = (req: FastifyRequest, roles: readonly Role[]) => ({ ...sessions.require(req.headers.authorization, roles), device: deviceOf(req) });
  const id = (req: FastifyRequest) => parseOr400(AppointmentIdParamSchema, (req.params as Record<string, unknown>).id);

  const sweep = () => {
    try {
      desk.sweep();
    } catch (err) {
      options.onError?.(err);
    }
  };
  sweep();
  const timer = setInterval(sweep, SWEEP_MS);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));

  app.post('/api/v1/appointments', async (req, reply) => {
    const who = auth(req, BOOKERS);
    const body = parseOr400(CreateAppointmentSchema, req.body);
    const appointment = desk.create(body, who);
    return reply.code(201).send({ appointment } satisfies AppointmentResponse);
  });

  app.get('/api/v1/appointments', async (req): Promise<AppointmentListResponse> => {
    auth(req, READERS);
    const q = parseOr400(AppointmentListQuerySchema, req.query ?? {});
    return desk.list(q.date);
  });

  app.get('/api/v1/appointments/:id', async (req): Promise<AppointmentResponse> => {
    auth(req, READERS);
    return { appointment: desk.view(id(req)) };
  });

  app.post('/api/v1/appointments/:id/cancel', async (req): Promise<AppointmentResponse> => {
    const who = auth(req, BOOKERS);
    const appointmentId = id(req);
    const body = parseOr400(CancelAppointmentSchema, req.body ?? undefined);
    return { appointment: desk.cancel(appointmentId, body?.reason ?? null, who) };
  });

  app.post('/api/v1/appointments/check-in', async (req, reply) => {
    const kiosk = auth(req, ['kiosk']);
    const body = parseOr400(CheckInRequestSchema, req.body);
    try {
      const { response, created } = desk.checkIn(body, kiosk);
      return reply.code(created ? 201 : 200).send(response);
    } catch (err) {
      if (!(err instanceof CheckInRefused)) throw err;
      if (err.extra.retryAfterSeconds) void reply.header('retry-after', String(err.extra.retryAfterSeconds));
      return reply.code(err.status).send(err.body());
    }
  });

  return desk;
}
