/**
 * Whether the hub can do its work now: the database takes writes (a small write every few seconds,
 * and any database fault seen while answering a request), the migrations are done, and the process
 * is not over its event-loop or memory limits (measured by @fastify/under-pressure). `/readyz`
 * answers from here; `/livez` only says the process runs.
 */
import type { ReadyAnswer } from '../../domain/contracts';
import type { Db } from '../db/open';
import { HubError } from '../errors';
import { LATEST_SCHEMA_VERSION, probeWrite } from '../db/open';

export interface Pressure {
  underPressure: boolean;
  eventLoopDelayMs: number;
  heapUsedBytes: number;
  rssBytes: number;
}

export interface ReadinessState {
  ready: boolean;
  schemaVersion: number;
  database: { file: string; writable: boolean; problem: string | null; checkedAt: string };
  pressure: Pressure;
}

export class Readiness {
  private fault: string | null = null;
  private checkedAt: number;
  private pressure: () => Pressure = () => ({ underPressure: false, eventLoopDelayMs: 0, heapUsedBytes: 0, rssBytes: 0 });

  constructor(
    private readonly db: Db,
    private readonly file: string,
    private readonly now: () => number,
  ) {
    this.checkedAt = now();
  }

  /** Where the process's load comes from (set once the HTTP server measures it). */
  measurePressureWith(fn: () => Pressure): void {
    this.pressure = fn;
  }

  /** Writes the probe row; true when the database took it. */
  probe(): boolean {
    this.checkedAt = this.now();
    try {
      probeWrite(this.db, this.file, this.checkedAt);
      this.fault = null;
      return true;
    } catch (err) {
      this.fault = err instanceof Error ? err.message : String(err);
      return false;
    }
  }

  /** A database fault seen while answering (disk full, read-only, damaged): not ready until a probe succeeds. */
  databaseFault(err: Error): void {
    this.fault = `${this.file}: ${err.message}`;
  }

  state(): ReadinessState {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    const pressure = this.pressure();
    return {
      ready: this.fault === null && version === LATEST_SCHEMA_VERSION && !pressure.underPressure,
      schemaVersion: version,
      database: { file: this.file, writable: this.fault === null, problem: this.fault, checkedAt: new Date(this.checkedAt).toISOString() },
      pressure,
    };
  }

  /** Ready, or a refusal (503 over HTTP) saying what is wrong, with when to look again. */
  answer(): ReadyAnswer {
    const r = this.state();
    if (!r.ready) {
      const problem = r.database.problem ?? (r.pressure.underPressure ? 'over its event-loop or memory limit' : `schema version ${r.schemaVersion} is not the latest`);
      // The public answer says which kind of problem; the file and the database's own words are in the hub's log.
      const said = r.database.problem ? 'the branch database does not take writes' : problem;
      throw new HubError('unavailable', `the hub is not ready: ${said}`, {
        reason: r.database.problem ? 'database_unwritable' : r.pressure.underPressure ? 'overloaded' : 'not_ready',
        params: { retryAfterSeconds: 10 },
      });
    }
    const { underPressure: _, ...pressure } = r.pressure;
    return { status: 'ready', schemaVersion: r.schemaVersion, database: { writable: r.database.writable, checkedAt: r.database.checkedAt }, pressure };
  }
}
