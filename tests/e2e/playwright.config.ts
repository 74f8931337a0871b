/**
 * End-to-end tests in Debian's Chromium (Playwright cannot download its own browser here).
 * The hub is the real build (`out/main/hub.js`, from `npm run build`) on its own port with a
 * fresh data directory and a small demo branch.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defineConfig } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 47310);
const baseURL = `http://127.0.0.1:${port}`;
// Workers inherit the environment, so they all see the directory the runner made.
process.env.LOBBY_E2E_DATA ??= mkdtempSync(join(tmpdir(), 'lobby-e2e-'));
const root = resolve(__dirname, '../..');

export default defineConfig({
  testDir: __dirname,
  testMatch: '*.spec.ts',
  timeout: 90_000,
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  outputDir: join(root, 'test-results'),
  use: {
    baseURL,
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `node out/main/hub.js --port=${port} --host=127.0.0.1 --data-dir=${process.env.LOBBY_E2E_DATA} --demo-customers=500 --log-level=warn`,
    cwd: root,
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
