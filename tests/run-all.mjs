#!/usr/bin/env node
/**
 * `npm test`: every suite, one summary. Builds the app (main, preload, screens), typechecks,
 * runs vitest (unit + integration) and Playwright (end-to-end in Chromium), then prints
 * a plain "N passed, N failed" line counting all of them. Exit code 1 when anything failed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const results = [];
const run = (cmd, args, env = {}) =>
  spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env }, shell: process.platform === 'win32' });

function check(name, cmd, args) {
  console.log(`\n=== ${name} ===`);
  const r = run(cmd, args);
  results.push({ suite: name, passed: r.status === 0 ? 1 : 0, failed: r.status === 0 ? 0 : 1, skipped: 0 });
  return r.status === 0;
}

const built = check('build (electron-vite: shell, hub, screens)', 'npx', ['electron-vite', 'build']);
check('typecheck (tsc)', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);

console.log('\n=== unit + integration (vitest) ===');
const vitestOut = '.vitest-results.json';
rmSync(vitestOut, { force: true });
const v = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestOut}`]);
if (existsSync(vitestOut)) {
  const j = JSON.parse(readFileSync(vitestOut, 'utf8'));
  const failedFiles = (j.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
  results.push({ suite: 'vitest', passed: j.numPassedTests, failed: j.numFailedTests + failedFiles, skipped: j.numPendingTests + j.numTodoTests });
} else {
  results.push({ suite: 'vitest', passed: 0, failed: 1, skipped: 0 });
}
if (v.status !== 0 && results.at(-1).failed === 0) results.at(-1).failed = 1;

console.log('\n=== end-to-end (Playwright, Chromium) ===');
if (built) {
  const pwOut = resolve('.playwright-results.json'); // Playwright resolves relative names against the config's folder
  rmSync(pwOut, { force: true });
  const p = run('npx', ['playwright', 'test', '-c', 'tests/e2e/playwright.config.ts', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: pwOut,
  });
  if (existsSync(pwOut)) {
    const s = JSON.parse(readFileSync(pwOut, 'utf8')).stats ?? {};
    results.push({ suite: 'playwright', passed: (s.expected ?? 0) + (s.flaky ?? 0), failed: s.unexpected ?? 0, skipped: s.skipped ?? 0 });
  } else {
    results.push({ suite: 'playwright', passed: 0, failed: 1, skipped: 0 });
  }
  if (p.status !== 0 && results.at(-1).failed === 0) results.at(-1).failed = 1;
} else {
  results.push({ suite: 'playwright (not run: build failed)', passed: 0, failed: 1, skipped: 0 });
}

console.log('\n=== summary ===');
// Per-suite lines use another wording so that only the last line reads as the overall summary.
for (const r of results) console.log(`  ${r.suite} — ok ${r.passed}, failing ${r.failed}${r.skipped ? `, skipped ${r.skipped}` : ''}`);
const total = results.reduce((a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: a.skipped + r.skipped }), {
  passed: 0,
  failed: 0,
  skipped: 0,
});
console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exit(total.failed > 0 ? 1 : 0);
