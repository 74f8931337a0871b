/**
 * A PostgreSQL database of its own for a test file: created on the local server (over its socket,
 * as this machine's user; `.ci/run` starts the server and creates the role) and dropped afterwards.
 * LOBBY_TEST_PG_URL points elsewhere (a URL to any database the user may create databases from).
 */
import { userInfo } from 'node:os';
import pg from 'pg';

export const ADMIN_URL = process.env.LOBBY_TEST_PG_URL ?? `postgresql://${userInfo().username}@/postgres?host=/var/run/postgresql`;

/** The same server, another database (the path of the URL; a socket URL has no host to parse). */
function urlFor(database: string): string {
  return ADMIN_URL.replace(/^(postgres(?:ql)?:\/\/[^/]*\/)([^?]*)/, `$1${database}`);
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(prefix = 'lobby_test'): Promise<TestDatabase> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: urlFor(name),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
