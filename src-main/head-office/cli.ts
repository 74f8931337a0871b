/**
 * `node out/main/head-office.js <command>`: the bank's head office (docs/HEAD-OFFICE.md).
 *   migrate                                      apply the database migrations
 *   add-staff <id> --role=admin|analyst --pin=P  a head-office user
 *   add-branch <branchId> [--name-zh= --name-en= --time-zone=]
 *                                                a branch; its credential is printed once, alone on the last line
 *   import-feed <feed-dir> [--max-reject-percent=1] [--rejects-dir=.]
 *                                                the warehouse feed, for every branch (customer-feed.ts)
 *   serve                                        the head office (HEAD_OFFICE_PORT, default 8090)
 * All read HEAD_OFFICE_PG_URL; import-feed and serve HEAD_OFFICE_DATA_KEY (the key file for
 * customer identifiers; import-feed creates it when missing); serve also HEAD_OFFICE_PORT, HEAD_OFFICE_HOST (default 0.0.0.0)
 * and HEAD_OFFICE_REDIS_URL (optional: several processes behind one address).
 * Exit codes: 0 done, 1 refused, 2 usage.
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { BranchIdSchema } from '../domain/head-office';
import { IdentifierKey } from '../customer-data/identifier-key';
import { BranchSlices } from './branch-slice';
import { checkDataKey, FeedRefused, importCustomerFeed } from './customer-feed';
import { createPool, migrate, pendingMigrations } from './db';
import { HeadOffice, HeadOfficeError } from './head-office';
import { startHeadOfficeServer } from './server';

const USAGE = `Branch Lobby head office

Usage: node out/main/head-office.js <command>
  migrate                                        apply the database migrations
  add-staff <id> --role=admin|analyst --pin=PIN  add a head-office user
  add-branch <branchId> [--name-zh=… --name-en=… --time-zone=…]
                                                 add a branch; its credential is printed once, on the last line
  import-feed <feed-dir> [--max-reject-percent=1] [--rejects-dir=.]
                                                 load the warehouse feed (docs/FEED.md) for every branch
  serve                                          run the head office

Environment: HEAD_OFFICE_PG_URL (required), HEAD_OFFICE_DATA_KEY (the key file for customer
identifiers: import-feed creates it, mode 0600, when missing; every process needs the same file), HEAD_OFFICE_PORT (8090), HEAD_OFFICE_HOST (0.0.0.0),
HEAD_OFFICE_TLS_CERT and HEAD_OFFICE_TLS_KEY (HTTPS; without them 127.0.0.1 only, unless
HEAD_OFFICE_INSECURE_LAN=1), HEAD_OFFICE_REDIS_URL (optional), HEAD_OFFICE_LOG_LEVEL (info).
`;

const flag = (argv: string[], name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

const EnvSchema = z.object({
  HEAD_OFFICE_PG_URL: z.string().min(1, 'HEAD_OFFICE_PG_URL is required (postgresql://…)'),
  HEAD_OFFICE_PORT: z.coerce.number().int().min(0).max(65535).default(8090),
  HEAD_OFFICE_HOST: z.string().min(1).default('0.0.0.0'),
  HEAD_OFFICE_REDIS_URL: z.string().min(1).optional(),
  HEAD_OFFICE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HEAD_OFFICE_TLS_CERT: z.string().min(1).optional(),
  HEAD_OFFICE_TLS_KEY: z.string().min(1).optional(),
  HEAD_OFFICE_INSECURE_LAN: z.enum(['0', '1']).default('0'),
  HEAD_OFFICE_DATA_KEY: z.string().min(1).optional(),
}).refine((e) => (e.HEAD_OFFICE_TLS_CERT === undefined) === (e.HEAD_OFFICE_TLS_KEY === undefined), {
  message: 'HEAD_OFFICE_TLS_CERT and HEAD_OFFICE_TLS_KEY go together',
  path: ['HEAD_OFFICE_TLS_KEY'],
});

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const [command, ...rest] = argv.filter((a) => !a.startsWith('--'));
  if (!command || argv.includes('--help')) {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  const env = EnvSchema.safeParse(process.env);
  if (!env.success) {
    process.stderr.write(`${env.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')}\n`);
    return 2;
  }
  const pool = createPool(env.data.HEAD_OFFICE_PG_URL);
  const ho = new HeadOffice(pool);
  try {
    switch (command) {
      case 'migrate': {
        const applied = await migrate(pool);
        process.stdout.write(applied.length ? `applied migrations ${applied.join(', ')}\n` : 'the database is up to date\n');
        return 0;
      }
      case 'add-staff': {
        const role = flag(argv, 'role');
        const pin = flag(argv, 'pin');
        if (rest.length !== 1 || (role !== 'admin' && role !== 'analyst') || !pin) {
          process.stderr.write(`add-staff <id> --role=admin|analyst --pin=<pin>\n`);
          return 2;
        }
        await ho.addStaff(rest[0]!, role, pin);
        process.stdout.write(`staff ${rest[0]} added (${role})\n`);
        return 0;
      }
      case 'add-branch': {
        const id = BranchIdSchema.safeParse(rest[0]);
        if (rest.length !== 1 || !id.success) {
          process.stderr.write(`add-branch <branchId>: ${id.success ? 'one branch id' : id.error.issues[0]?.message}\n`);
          return 2;
        }
        const { credential } = await ho.addBranch(id.data, { 'zh-CN': flag(argv, 'name-zh') ?? '', en: flag(argv, 'name-en') ?? '' }, flag(argv, 'time-zone') ?? 'Asia/Shanghai');
        process.stdout.write(`branch ${id.data} added. Its credential (shown only now; give it to the branch as LOBBY_HEAD_OFFICE_CREDENTIAL):\n${credential}\n`);
        return 0;
      }
      case 'import-feed': {
        const max = flag(argv, 'max-reject-percent');
        const maxRejectPercent = max === undefined ? 1 : Number(max);
        if (rest.length !== 1 || !Number.isFinite(maxRejectPercent) || maxRejectPercent < 0 || maxRejectPercent > 100) {
          process.stderr.write('import-feed <feed-dir> [--max-reject-percent=0-100] [--rejects-dir=<dir>]\n');
          return 2;
        }
        if (!env.data.HEAD_OFFICE_DATA_KEY) {
          process.stderr.write('HEAD_OFFICE_DATA_KEY is required: the path of the key file for customer identifiers (created when missing)\n');
          return 2;
        }
        const created = !existsSync(env.data.HEAD_OFFICE_DATA_KEY);
        const key = IdentifierKey.loadOrCreateFile(env.data.HEAD_OFFICE_DATA_KEY);
        if (created) process.stderr.write(`created the key file ${env.data.HEAD_OFFICE_DATA_KEY} (mode 0600): back it up apart from the database, and give every head-office process the same file\n`);
        const r = await importCustomerFeed(pool, {
          feedDir: resolve(rest[0]!),
          key,
          by: `cli:${userInfo().username}@${hostname()}`,
          rejectsDir: resolve(flag(argv, 'rejects-dir') ?? '.'),
          maxRejectPercent,
          onFile: (f) => process.stdout.write(`${f.file}: ${f.rows.toLocaleString('en')} rows, ${f.rejected.toLocaleString('en')} rejected, ${(f.ms / 1000).toFixed(1)} s\n`),
        });
        if (r.status === 'duplicate') {
          process.stdout.write(`${r.reason}\n`);
          return 0;
        }
        if (r.status === 'refused') {
          process.stderr.write(`feed ${r.feedId ?? '(no manifest)'} refused: ${r.reason}${r.rejectsFile ? ` (${r.rejectsFile})` : ''}\n`);
          return 1;
        }
        for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
        const parts = Object.entries(r.counts).map(([f, n]) => `${n!.toLocaleString('en')} ${f.replace(/\.csv$/, '')}`);
        process.stdout.write(
          `feed ${r.feedId}: ${parts.join(', ')}, ${r.rejected.toLocaleString('en')} rows rejected${r.rejectsFile ? ` (${r.rejectsFile})` : ''}, ${(r.durationMs / 1000).toFixed(1)} s\n`,
        );
        return 0;
      }
      case 'serve': {
        const pending = await pendingMigrations(pool);
        if (pending.length) {
          process.stderr.write(`the head-office database needs migrations ${pending.join(', ')}: run \`node out/main/head-office.js migrate\` first\n`);
          return 1;
        }
        // The customer data's key, when there is one: checked against the data before serving it.
        let key: IdentifierKey | null = null;
        if (env.data.HEAD_OFFICE_DATA_KEY) {
          key = IdentifierKey.loadFile(env.data.HEAD_OFFICE_DATA_KEY);
          await checkDataKey(pool, key, false);
        }
        const slices = new BranchSlices(pool, key);
        const server = await startHeadOfficeServer(ho, {
          slices,
          port: env.data.HEAD_OFFICE_PORT,
          host: env.data.HEAD_OFFICE_HOST,
          redisUrl: env.data.HEAD_OFFICE_REDIS_URL ?? null,
          logLevel: env.data.HEAD_OFFICE_LOG_LEVEL,
          https: env.data.HEAD_OFFICE_TLS_CERT && env.data.HEAD_OFFICE_TLS_KEY ? { cert: readFileSync(env.data.HEAD_OFFICE_TLS_CERT), key: readFileSync(env.data.HEAD_OFFICE_TLS_KEY) } : null,
          insecure: env.data.HEAD_OFFICE_INSECURE_LAN === '1',
        });
        if (server.warning) process.stderr.write(`warning: ${server.warning}\n`);
        process.stdout.write(`Branch Lobby head office at ${server.url}${env.data.HEAD_OFFICE_REDIS_URL ? ' (sharing events through Redis)' : ''}\n`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await server.close();
        return 0;
      }
      default:
        process.stderr.write(`unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    process.stderr.write(`${err instanceof HeadOfficeError || err instanceof FeedRefused ? `refused: ${err.message}` : err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    await pool.end().catch(() => undefined);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`head office failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
