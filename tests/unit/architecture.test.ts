/**
 * Architecture rules, checked on the source files:
 * - src-main/hub and src-main/domain never import 'electron' (the hub runs under plain Node);
 * - src-main/domain is pure: no Node built-ins, no database / server / logging packages, nothing
 *   outside the domain folder (it is shared with the screens running in a browser);
 * - the hub does not reach into the Electron shell;
 * - src-main/customer-data (feed files, identifier key; plain Node) imports only the domain;
 * - src-renderer (the screens) never imports the hub, the shell or 'electron'; from src-main it
 *   uses only the domain, through the '@domain/...' alias.
 * Imports are read with TypeScript's own pre-processor (static, type-only, re-exports, dynamic
 * import() and require()), so comments and strings never count.
 *
 * And the rules of the hub's house (docs/ARCHITECTURE.md):
 * - HTTP routes are added only by the route table's registrar (http/route-table.ts, from
 *   domain/routes.ts) and the screens' paths (http/server.ts); no route file constructs a service;
 * - nothing below the HTTP layer imports it or fastify (use cases are transport-neutral);
 * - timers are started only by the composition root's Lifecycle (lifecycle.ts);
 * - the screens reach the hub only through the typed client (lib/api.ts), never fetch() of their own;
 * - code says what it does, not which issue asked for it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const SOURCE_EXT = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

type Layer = 'domain' | 'customer-data' | 'hub' | 'head-office' | 'shell' | 'renderer' | 'other';

interface Violation {
  file: string;
  specifier: string;
  rule: string;
}

/** Posix path relative to the repository root. */
function rel(absPath: string): string {
  return relative(ROOT, absPath).split(sep).join('/');
}

function layerOf(relPath: string): Layer {
  if (relPath.startsWith('src-main/domain/')) return 'domain';
  if (relPath.startsWith('src-main/hub/')) return 'hub';
  if (relPath.startsWith('src-main/head-office/')) return 'head-office';
  if (relPath.startsWith('src-main/customer-data/')) return 'customer-data';
  if (relPath.startsWith('src-main/shell/')) return 'shell';
  if (relPath.startsWith('src-renderer/')) return 'renderer';
  return 'other';
}

/** Every module specifier a source text imports, re-exports, import()s or require()s. */
function importsOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** Package name of a bare specifier: 'fastify/x' -> 'fastify', '@fastify/static/x' -> '@fastify/static'. */
function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0]!]));

function isNodeBuiltin(spec: string): boolean {
  return spec.startsWith('node:') || BUILTINS.has(spec) || BUILTINS.has(packageName(spec));
}

/** Packages that pull in a database, a server, sockets or logging: never in the pure domain. */
const DOMAIN_FORBIDDEN_PACKAGES = [
  'better-sqlite3',
  'socket.io',
  'socket.io-client',
  'fastify',
  'pino',
  'pino-pretty',
  'electron',
  'react',
  'react-dom',
];
const DOMAIN_FORBIDDEN_SCOPES = ['@fastify/'];

const isRelative = (spec: string) => spec.startsWith('./') || spec.startsWith('../') || spec === '.' || spec === '..';
const isElectron = (spec: string) => packageName(spec) === 'electron';

/** Where a specifier points inside the repository (relative ones and the @domain alias), or null. */
function targetOf(fileRel: string, spec: string): string | null {
  if (spec.startsWith('@domain/') || spec === '@domain') return 'src-main/domain/' + spec.slice('@domain/'.length);
  if (isRelative(spec)) return rel(resolve(ROOT, dirname(fileRel), spec));
  return null;
}

/**
 * The rules for one file. `fileRel` is the repository-relative path (posix); `source` its text.
 * Pure: the synthetic cases below run it on strings.
 */
function checkSource(fileRel: string, source: string): Violation[] {
  const layer = layerOf(fileRel);
  const out: Violation[] = [];
  const flag = (specifier: string, rule: string) => out.push({ file: fileRel, specifier, rule });

  for (const spec of importsOf(source)) {
    const target = targetOf(fileRel, spec);
    const inside = (prefix: string) => target !== null && (target === prefix || target.startsWith(prefix + '/'));

    switch (layer) {
      case 'domain':
        if (isElectron(spec)) flag(spec, "domain must not import 'electron'");
        else if (isNodeBuiltin(spec)) flag(spec, 'domain must not import Node built-ins');
        else if (DOMAIN_FORBIDDEN_PACKAGES.includes(packageName(spec)) || DOMAIN_FORBIDDEN_SCOPES.some((s) => spec.startsWith(s)))
          flag(spec, `domain must not import ${packageName(spec)}`);
        else if (target !== null && !inside('src-main/domain')) flag(spec, 'domain must not import outside src-main/domain');
        break;
      case 'hub':
        if (isElectron(spec)) flag(spec, "hub must not import 'electron'");
        else if (inside('src-main/shell')) flag(spec, 'hub must not import the Electron shell');
        else if (inside('src-renderer')) flag(spec, 'hub must not import the screens');
        break;
      case 'customer-data':
        if (isElectron(spec)) flag(spec, "customer-data must not import 'electron'");
        else if (target !== null && !inside('src-main/customer-data') && !inside('src-main/domain'))
          flag(spec, 'customer-data imports only the domain (the hub and head office both use it)');
        break;
      case 'head-office':
        if (isElectron(spec)) flag(spec, "head office must not import 'electron'");
        else if (inside('src-main/hub')) flag(spec, "head office must not import the hub's internals (only the domain)");
        else if (inside('src-main/shell')) flag(spec, 'head office must not import the Electron shell');
        else if (inside('src-renderer')) flag(spec, 'head office must not import the screens');
        break;
      case 'renderer':
        if (isElectron(spec)) flag(spec, "screens must not import 'electron'");
        else if (inside('src-main/hub')) flag(spec, 'screens must not import the hub');
        else if (inside('src-main/shell')) flag(spec, 'screens must not import the Electron shell');
        else if (target !== null && isRelative(spec) && !inside('src-renderer'))
          flag(spec, "screens may import from src-main only the domain, through '@domain/...'");
        break;
      default:
        break;
    }
  }
  return out;
}

function sourceFiles(dirRel: string): string[] {
  const abs = join(ROOT, dirRel);
  let entries: string[];
  try {
    entries = readdirSync(abs);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const child = join(abs, name);
    if (statSync(child).isDirectory()) out.push(...sourceFiles(rel(child)));
    else if (SOURCE_EXT.test(name) && !name.endsWith('.d.ts')) out.push(rel(child));
  }
  return out;
}

function checkTree(dirRel: string): { files: string[]; violations: Violation[] } {
  const files = sourceFiles(dirRel);
  const violations = files.flatMap((f) => checkSource(f, readFileSync(join(ROOT, f), 'utf8')));
  return { files, violations };
}

const describeViolations = (vs: Violation[]) => vs.map((v) => `${v.file}: imports '${v.specifier}' (${v.rule})`);

describe('architecture of the real sources', () => {
  it('src-main/domain is pure: no electron, no Node built-ins, no server / database / logging packages', () => {
    const { files, violations } = checkTree('src-main/domain');
    expect(files.length).toBeGreaterThanOrEqual(8);
    expect(files).toContain('src-main/domain/offers.ts');
    expect(describeViolations(violations)).toEqual([]);
  });

  it("src-main/hub never imports 'electron' or the shell", () => {
    const { violations } = checkTree('src-main/hub');
    expect(describeViolations(violations)).toEqual([]);
  });

  it("src-main/head-office imports the domain, never the hub's internals, the shell or 'electron'", () => {
    const { files, violations } = checkTree('src-main/head-office');
    expect(files).toContain('src-main/head-office/head-office.ts');
    expect(describeViolations(violations)).toEqual([]);
  });

  it('src-main/customer-data (the feed files and the identifier key, shared by the hub and head office) imports only the domain', () => {
    const { files, violations } = checkTree('src-main/customer-data');
    expect(files).toContain('src-main/customer-data/csv-rows.ts');
    expect(describeViolations(violations)).toEqual([]);
    expect(checkSource('src-main/customer-data/x.ts', "import { Queue } from '../hub/queue/queue';")).toHaveLength(1);
    expect(checkSource('src-main/customer-data/x.ts', "import { HeadOffice } from '../head-office/head-office';")).toHaveLength(1);
    expect(checkSource('src-main/customer-data/x.ts', "import { FEED_FILES } from '../domain/feed';")).toEqual([]);
  });

  it("src-main/hub never imports head office's internals", () => {
    const offenders = hubFiles().filter((f) => importsOf(read(f)).some((spec) => (targetOf(f, spec) ?? '').startsWith('src-main/head-office')));
    expect(offenders).toEqual([]);
  });

  it("src-renderer never imports the hub, the shell or 'electron'", () => {
    const { files, violations } = checkTree('src-renderer');
    expect(files.length).toBeGreaterThan(0);
    expect(describeViolations(violations)).toEqual([]);
  });
});

/** Source text without comments (line and block), strings kept: enough for the call-site rules. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

const hubFiles = () => sourceFiles('src-main/hub');
const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');

describe('the hub: one way through', () => {
  it('adds HTTP routes only through the route table (and the screens\' paths)', () => {
    const allowed = new Set(['src-main/hub/http/route-table.ts', 'src-main/hub/http/server.ts']);
    const offenders = hubFiles().filter((f) => !allowed.has(f) && /\.(get|post|put|delete|patch|route)\(\s*['"`\/{]/.test(withoutComments(read(f))) && /fastify|FastifyInstance/.test(read(f)));
    expect(offenders).toEqual([]);
    // The registrar adds exactly the routes of the table: one app.route() in a loop over it.
    const registrar = withoutComments(read('src-main/hub/http/route-table.ts'));
    expect(registrar.match(/app\.route\(/g)).toHaveLength(1);
    expect(registrar).toMatch(/for \(const name of Object\.keys\(routes\)/);
  });

  it('no route file constructs a service: the composition root builds everything once', () => {
    for (const f of ['src-main/hub/http/route-table.ts', 'src-main/hub/http/handlers.ts', 'src-main/hub/http/cors.ts']) {
      expect(withoutComments(read(f)).match(/\bnew [A-Z]\w*\(/g) ?? [], f).toEqual([]);
    }
  });

  it('nothing below the HTTP layer imports it, or fastify', () => {
    const offenders: string[] = [];
    for (const f of hubFiles()) {
      if (f.startsWith('src-main/hub/http/') || f === 'src-main/hub/create-hub.ts') continue;
      for (const spec of importsOf(read(f))) {
        const target = targetOf(f, spec);
        if (packageName(spec) === 'fastify' || spec.startsWith('@fastify/') || (target !== null && target.startsWith('src-main/hub/http'))) {
          offenders.push(`${f}: ${spec}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('starts timers only in the Lifecycle the composition root owns', () => {
    // The printer's transport times out its own socket I/O; that is not a background job.
    const allowed = new Set(['src-main/hub/lifecycle.ts', 'src-main/hub/printer/transport.ts']);
    const offenders = hubFiles().filter((f) => !allowed.has(f) && /\b(setTimeout|setInterval|setImmediate)\s*\(/.test(withoutComments(read(f))));
    expect(offenders).toEqual([]);
    expect(withoutComments(read('src-main/hub/printer/transport.ts'))).not.toMatch(/setInterval\s*\(/);
  });

  it('the route table names every route once (method and path)', async () => {
    const { ROUTES } = await import('../../src-main/domain/routes');
    const keys = Object.values(ROUTES).map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const r of Object.values(ROUTES)) {
      const names = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]);
      if (names.length === 0) continue;
      // Every path parameter is declared (and parsed) by the route's params schema.
      expect(r, r.path).toHaveProperty('params');
      const shape = (r as { params: { shape: Record<string, unknown> } }).params.shape;
      expect(Object.keys(shape).sort(), r.path).toEqual([...names].sort());
    }
  });
});

describe('the screens reach the hub only through the typed client', () => {
  it('no fetch() outside lib/api.ts (the display fetches its own voice clips)', () => {
    const allowed = new Set(['src-renderer/src/lib/api.ts', 'src-renderer/src/screens/display/voicePlayer.ts']);
    const offenders = sourceFiles('src-renderer').filter((f) => !allowed.has(f) && /\bfetch\s*\(/.test(withoutComments(read(f))));
    expect(offenders).toEqual([]);
  });
});

describe('names say what the code does', () => {
  it('no source file says which issue asked for it', () => {
    const offenders: string[] = [];
    for (const dir of ['src-main', 'src-renderer', 'tests', 'resources']) {
      for (const f of sourceFiles(dir)) {
        read(f)
          .split('\n')
          .forEach((line, i) => {
            if (/\bissue #?\d+\b/i.test(line)) offenders.push(`${f}:${i + 1}`);
          });
      }
    }
    expect(offenders).toEqual([]);
  });
});

describe('the checker itself', () => {
  it('reads every kind of import, and not comments or strings', () => {
    const source = [
      "import a from 'pkg-a';",
      "import type { B } from 'pkg-b';",
      "import 'pkg-c';",
      "export * from 'pkg-d';",
      "export { e } from 'pkg-e';",
      "const f = require('pkg-f');",
      "const g = await import('pkg-g');",
      "// import x from 'in-a-comment';",
      "/* require('in-a-block-comment') */",
      "const s = \"import('in-a-string')\";",
    ].join('\n');
    expect(importsOf(source).sort()).toEqual(['pkg-a', 'pkg-b', 'pkg-c', 'pkg-d', 'pkg-e', 'pkg-f', 'pkg-g']);
  });

  it.each([
    ["import { app } from 'electron';", "'electron'"],
    ["import type { BrowserWindow } from 'electron';", 'type-only electron'],
    ["const { app } = require('electron');", 'required electron'],
    ["import { readFileSync } from 'node:fs';", 'node:fs'],
    ["import fs from 'fs';", 'fs'],
    ["import { promises } from 'fs/promises';", 'fs/promises'],
    ["import { join } from 'path';", 'path'],
    ["import net from 'net';", 'net'],
    ["import http from 'node:http';", 'http'],
    ["import { randomUUID } from 'crypto';", 'crypto'],
    ["import { spawn } from 'child_process';", 'child_process'],
    ["import os from 'os';", 'os'],
    ["const w = await import('worker_threads');", 'dynamic worker_threads'],
    ["import Database from 'better-sqlite3';", 'better-sqlite3'],
    ["import { Server } from 'socket.io';", 'socket.io'],
    ["import Fastify from 'fastify';", 'fastify'],
    ["import fastifyStatic from '@fastify/static';", '@fastify/static'],
    ["import pino from 'pino';", 'pino'],
    ["export * from 'pino';", 're-exported pino'],
    ["import { openDatabase } from '../hub/db/open';", 'the hub'],
  ])('flags a domain file importing %s (%s)', (line) => {
    const vs = checkSource('src-main/domain/example.ts', `import { z } from 'zod';\n${line}\nexport const x = 1;\n`);
    expect(vs).toHaveLength(1);
    expect(vs[0]!.file).toBe('src-main/domain/example.ts');
  });

  it('lets the domain import zod and its own modules', () => {
    const source = "import { z } from 'zod';\nimport type { Tier } from './tiering';\nimport { maskName } from './masking';\n";
    expect(checkSource('src-main/domain/example.ts', source)).toEqual([]);
  });

  it("flags the hub importing 'electron' or the shell, and lets it use Node and servers", () => {
    expect(checkSource('src-main/hub/http/x.ts', "import { app } from 'electron';")).toHaveLength(1);
    expect(checkSource('src-main/hub/x.ts', "import { kioskWindowOptions } from '../shell/kiosk-options';")).toHaveLength(1);
    const ok = "import Fastify from 'fastify';\nimport { join } from 'node:path';\nimport Database from 'better-sqlite3';\nimport { tierFor } from '../domain/tiering';";
    expect(checkSource('src-main/hub/x.ts', ok)).toEqual([]);
  });

  it.each([
    ["import { createHub } from '../../../../src-main/hub/create-hub';", 'the hub'],
    ["import type { Hub } from '../../../../src-main/hub/create-hub';", 'the hub, type-only'],
    ["import { kioskWindowOptions } from '../../../../src-main/shell/kiosk-options';", 'the shell'],
    ["import { ipcRenderer } from 'electron';", "'electron'"],
    ["const { ipcRenderer } = require('electron');", "required 'electron'"],
    ["import { tierFor } from '../../../../src-main/domain/tiering';", 'the domain by relative path instead of @domain'],
  ])('flags a screen importing %s (%s)', (line) => {
    expect(checkSource('src-renderer/src/screens/kiosk/KioskScreen.tsx', line)).toHaveLength(1);
  });

  it('resolves relative paths from the importing file', () => {
    expect(checkSource('src-renderer/src/App.tsx', "import { x } from '../../src-main/hub/lobby';")).toHaveLength(1);
    expect(checkSource('src-renderer/src/lib/api.ts', "import { x } from '../../../src-main/shell/main';")).toHaveLength(1);
    expect(checkSource('src-renderer/src/lib/api.ts', "import { x } from '../screens/kiosk/KioskScreen';")).toEqual([]);
  });

  it('lets the screens import the domain through @domain, their own modules and browser packages', () => {
    const source = [
      "import { useState } from 'react';",
      "import { useTranslation } from 'react-i18next';",
      "import { io } from 'socket.io-client';",
      "import type { CustomerCard } from '@domain/contracts';",
      "import { maskName } from '@domain/masking';",
      "import { api } from '../../lib/api';",
      "import { Labels } from './labels';",
    ].join('\n');
    expect(checkSource('src-renderer/src/screens/kiosk/KioskScreen.tsx', source)).toEqual([]);
  });

  it('the shell may import electron', () => {
    expect(checkSource('src-main/shell/main.ts', "import { app } from 'electron';")).toEqual([]);
  });
});
