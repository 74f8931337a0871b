/**
 * `node out/main/hub.js`: the hub's command line (commands.ts). Without a command (or with
 * `serve`) it runs the branch hub under Node and prints where every screen is. Configuration:
 * LOBBY_PORT, LOBBY_HOST, LOBBY_DATA_DIR, LOBBY_PUBLIC_URL, LOBBY_DEMO_CUSTOMERS, LOBBY_LOG_LEVEL,
 * or the flags --port= --host= --data-dir= --public-url= --demo-customers= --no-demo. The other
 * commands (setup, import-feed, reset-pin, the device commands) work on the data directory and
 * exit; `--help` lists them.
 */
import { spawn } from 'node:child_process';
import { configFromEnv } from './config';
import type { SliceImportResult } from './head-office-link/customer-slice';
import { createHub } from './create-hub';
import { parseCommandLine, runCommand, usage } from './commands';

/**
 * A feed from head office imported by `hub.js import-feed` in its own process (at a lower
 * priority, its memory apart from the lobby's), as branch IT would run it.
 */
function importInChild(feedDir: string, dataDir: string): Promise<SliceImportResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [process.argv[1]!, 'import-feed', feedDir, `--data-dir=${dataDir}`, '--quiet', '--from-head-office'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve({ status: /was loaded already|no-op/i.test(out) ? 'duplicate' : 'done', reason: out.trim().split('\n').at(-1) });
      else if (code === 1) resolve({ status: 'refused', reason: err.trim().split('\n')[0] ?? `exit ${code}` });
      else reject(new Error(`hub.js import-feed ended with exit code ${code}: ${err.trim().slice(0, 500)}`));
    });
  });
}

async function main() {
  const argv = process.argv.slice(2);
  const io = { out: (t: string) => void process.stdout.write(t), err: (t: string) => void process.stderr.write(t), tty: process.stdout.isTTY === true };
  const parsed = parseCommandLine(argv);
  if (parsed.kind === 'help') {
    io.out(usage());
    return;
  }
  if (parsed.kind === 'error') {
    io.err(`${parsed.message}\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  if (parsed.command.name !== 'serve') {
    process.exitCode = await runCommand(parsed, process.env, io);
    return;
  }
  const hub = await createHub(configFromEnv(process.env, argv), { runFeedImport: importInChild });
  const screens = [
    ['Kiosk (取号机)', '/kiosk?device=kiosk-01'],
    ['Lobby manager (大堂经理)', '/manager'],
    ['Teller (柜员)', '/teller'],
    ['Lobby display (叫号屏)', '/display?device=display-01'],
    ['Admin (管理)', '/admin'],
  ];
  const lines = [
    '',
    `Branch Lobby hub is running at ${hub.url}  (phones reach it at ${hub.publicUrl})`,
    ...screens.map(([name, path]) => `  ${name!.padEnd(28)} ${hub.url}${path}`),
    `  ${'Phone page'.padEnd(28)} ${hub.publicUrl}/t/<token>  (QR code on each ticket)`,
    `  ${'Health'.padEnd(28)} ${hub.url}/healthz`,
    'Demo sign-in: manager m01/1111, tellers t01..t04/2222, admin/9999, devices kiosk-01 and display-01 with secret "demo".',
    'Press Ctrl+C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await hub.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`Branch Lobby hub could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
