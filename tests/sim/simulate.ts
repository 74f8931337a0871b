/**
 * `npm run simulate [-- --option=value ...]`: replays a synthetic branch day through the real queue
 * engine (tests/sim/engine.ts) under each policy and prints, per policy, the average and 95th
 * percentile wait per class, the longest wait of a normal customer and the waiting-time
 * estimate's mean absolute error against the simulated truth (the queue forecast, and the
 * same-service formula it replaced for comparison). `--help` lists the options.
 */
import { DEFAULT_SIM_OPTIONS, POLICIES, simulateDay, type PolicyResult, type SimClass, type SimOptions } from './engine';
import type { QueuePolicyKind } from '../../src-main/domain/queue-policy';

const HELP = `npm run simulate -- [options]   (defaults in brackets)
  --seed=N                 PRNG seed [${DEFAULT_SIM_OPTIONS.seed}]
  --hours=9-17             opening hours, branch local time [${DEFAULT_SIM_OPTIONS.openHour}-${DEFAULT_SIM_OPTIONS.closeHour}]
  --arrivals=N             expected customers over the day [${DEFAULT_SIM_OPTIONS.arrivals}]
  --curve=w,w,...          relative arrival rate per equal slice of the day [${DEFAULT_SIM_OPTIONS.curve.join(',')}]
  --counters=N             counters open all day, each serving every service [${DEFAULT_SIM_OPTIONS.counters}]
  --services=A:w:min,...   service share (weight) and mean service minutes
                           [${Object.entries(DEFAULT_SIM_OPTIONS.services).map(([k, v]) => `${k}:${v.weight}:${v.minutes}`).join(',')}]
  --service-cv=X           coefficient of variation of the log-normal service time [${DEFAULT_SIM_OPTIONS.serviceCv}]
  --mix=normal:w,priority:w,vip:w   class mix [${Object.entries(DEFAULT_SIM_OPTIONS.mix).map(([k, v]) => `${k}:${v}`).join(',')}]
  --no-show=P              percent of called customers who do not come [${DEFAULT_SIM_OPTIONS.noShowPercent}]
  --aging=X                aging policy: weight per minute waited [${DEFAULT_SIM_OPTIONS.agingPerMinute}]
  --interleave=N           interleave policy: priority / VIP calls in a row before a normal one [${DEFAULT_SIM_OPTIONS.interleaveEvery}]
  --policies=strict,aging,interleave
  --json                   print the results as JSON
`;

function fail(msg: string): never {
  process.stderr.write(`simulate: ${msg}\n\n${HELP}`);
  process.exit(2);
}

function num(name: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) fail(`--${name} must be a number in ${min}..${max}, got "${v}"`);
  return n;
}

export function parseArgs(argv: readonly string[]): { options: SimOptions; policies: QueuePolicyKind[]; json: boolean } {
  const o: SimOptions = structuredClone(DEFAULT_SIM_OPTIONS);
  let policies = [...POLICIES];
  let json = false;
  for (const arg of argv) {
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(HELP);
      process.exit(0);
    }
    if (arg === '--json') {
      json = true;
      continue;
    }
    const m = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (!m) fail(`unknown argument "${arg}"`);
    const [, name, v] = m as unknown as [string, string, string];
    switch (name) {
      case 'seed':
        o.seed = num(name, v, 0, 2 ** 32 - 1);
        break;
      case 'hours': {
        const h = /^(\d{1,2})-(\d{1,2})$/.exec(v);
        if (!h) fail('--hours is like 9-17');
        o.openHour = num(name, h[1]!, 0, 23);
        o.closeHour = num(name, h[2]!, o.openHour + 1, 24);
        break;
      }
      case 'arrivals':
        o.arrivals = num(name, v, 1, 5000);
        break;
      case 'curve':
        o.curve = v.split(',').map((x) => num(name, x, 0, 1e6));
        if (!o.curve.some((x) => x > 0)) fail('--curve needs a positive weight');
        break;
      case 'counters':
        o.counters = Math.round(num(name, v, 1, 50));
        break;
      case 'services':
        o.services = Object.fromEntries(
          v.split(',').map((part) => {
            const [code, w, mins] = part.split(':');
            if (!code || !/^[A-Z]$/.test(code) || w === undefined || mins === undefined) fail('--services is like A:35:4,B:25:5');
            return [code, { weight: num(name, w, 0, 1e6), minutes: num(name, mins, 0.1, 240) }];
          }),
        );
        break;
      case 'service-cv':
        o.serviceCv = num(name, v, 0, 5);
        break;
      case 'mix': {
        const mix: Record<SimClass, number> = { normal: 0, priority: 0, vip: 0 };
        for (const part of v.split(',')) {
          const [cls, w] = part.split(':');
          if (cls !== 'normal' && cls !== 'priority' && cls !== 'vip') fail('--mix classes are normal, priority, vip');
          mix[cls] = num(name, w ?? '', 0, 1e6);
        }
        o.mix = mix;
        break;
      }
      case 'no-show':
        o.noShowPercent = num(name, v, 0, 100);
        break;
      case 'aging':
        o.agingPerMinute = num(name, v, 0, 100);
        break;
      case 'interleave':
        o.interleaveEvery = Math.round(num(name, v, 1, 50));
        break;
      case 'policies':
        policies = v.split(',').map((p) => {
          if (!(POLICIES as readonly string[]).includes(p)) fail(`unknown policy "${p}"`);
          return p as QueuePolicyKind;
        });
        break;
      default:
        fail(`unknown option --${name}`);
    }
  }
  return { options: o, policies, json };
}

const f = (x: number | null) => (x === null ? '-' : x.toFixed(1));

function table(results: PolicyResult[]): string {
  const lines: string[] = [];
  const head = ['policy', 'class', 'served', 'avg wait', 'p95 wait', 'longest'];
  const rows: string[][] = [];
  for (const r of results) {
    for (const c of r.byClass) {
      rows.push([r.policy, c.ticketClass, String(c.served), f(c.averageWaitMinutes), f(c.p95WaitMinutes), f(c.longestWaitMinutes)]);
    }
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((x, i) => (i < 2 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ');
  lines.push(fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt));
  lines.push('');
  const signed = (x: number) => (x > 0 ? '+' : '') + f(x);
  lines.push('policy      longest normal wait   estimate MAE   estimate bias   old formula MAE / bias   last visit ends');
  for (const r of results) {
    lines.push(
      `${r.policy.padEnd(10)}  ${f(r.longestNormalWaitMinutes).padStart(19)}   ${f(r.estimateMaeMinutes).padStart(12)}   ${signed(
        r.estimateBiasMinutes,
      ).padStart(13)}   ${`${f(r.baselineMaeMinutes)} / ${signed(r.baselineBiasMinutes)}`.padStart(22)}   ${f(r.lastEndMinutes).padStart(15)}`,
    );
  }
  lines.push('');
  lines.push('estimate: the queue forecast shown on the kiosk ticket and phone page; old formula: people ahead in the same');
  lines.push('service x typical minutes / open counters serving it (replaced). Error = estimate at issue - actual wait.');
  return lines.join('\n');
}

function main(): void {
  const { options, policies, json } = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const day = simulateDay(options, policies);
  const ms = Math.round(performance.now() - started);
  if (json) {
    process.stdout.write(JSON.stringify({ options, customers: day.customers, results: day.results, elapsedMs: ms }, null, 2) + '\n');
    return;
  }
  process.stdout.write(
    `Synthetic day: ${day.customers} customers, ${options.openHour}:00-${options.closeHour}:00, ${options.counters} counters, seed ${options.seed}` +
      ` (through the hub's TicketStore on in-memory SQLite, ${ms} ms)\nAll times in minutes; wait = issued -> called.\n\n`,
  );
  process.stdout.write(table(day.results) + '\n');
}

main();
