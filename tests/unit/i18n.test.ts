/**
 * Translation completeness: every namespace exists in zh-CN and en with the same keys, no empty
 * strings, the same {{variables}} in both languages, and the literal keys the screens use exist.
 * Plural forms (key_one, key_other, ...) are compared by their base key: Chinese has only the
 * "other" form where English has "one" and "other" (CLDR), and both are complete.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const SRC = join(ROOT, 'src-renderer/src');
const LOCALES = join(SRC, 'locales');
const LANGUAGES = ['zh-CN', 'en'] as const;
type Lng = (typeof LANGUAGES)[number];

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

type Leaves = Map<string, unknown>;

/** Flattens nested JSON to dotted keys -> leaf values (i18next's default key separator). */
function flatten(value: unknown, prefix = '', out: Leaves = new Map()): Leaves {
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, value);
  }
  return out;
}

const baseKey = (key: string) => key.replace(PLURAL_SUFFIX, '');

/** {{name}} and {{name, format}} variables of a translation. */
function variablesOf(text: string): string[] {
  return [...text.matchAll(/\{\{\s*-?\s*([^,}\s]+)[^}]*\}\}/g)].map((m) => m[1]!);
}

function readLocales(): Record<string, Record<string, Leaves>> {
  const result: Record<string, Record<string, Leaves>> = {};
  for (const lng of readdirSync(LOCALES)) {
    if (!statSync(join(LOCALES, lng)).isDirectory()) continue;
    result[lng] = {};
    for (const file of readdirSync(join(LOCALES, lng))) {
      if (!file.endsWith('.json')) continue;
      const path = join(LOCALES, lng, file);
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(path, 'utf8'));
      } catch (err) {
        throw new Error(`${relative(ROOT, path)} is not valid JSON: ${(err as Error).message}`);
      }
      result[lng]![file.replace(/\.json$/, '')] = flatten(json);
    }
  }
  return result;
}

const locales = readLocales();
const namespacesOf = (lng: string) => Object.keys(locales[lng] ?? {}).sort();
const allNamespaces = [...new Set(LANGUAGES.flatMap((l) => namespacesOf(l)))].sort();

/** Base keys of a namespace in one language. */
function baseKeys(lng: Lng, ns: string): Set<string> {
  return new Set([...(locales[lng]?.[ns]?.keys() ?? [])].map(baseKey));
}

/** Whether `key` (possibly plural-suffixed at lookup) resolves in lng/ns. */
function hasKey(lng: Lng, ns: string, key: string): boolean {
  const leaves = locales[lng]?.[ns];
  if (!leaves) return false;
  if (leaves.has(key)) return true;
  return [...leaves.keys()].some((k) => PLURAL_SUFFIX.test(k) && baseKey(k) === key);
}

describe('locale files', () => {
  it('exist for exactly zh-CN and en', () => {
    expect(Object.keys(locales).sort()).toEqual([...LANGUAGES].sort());
  });

  it('zh-CN and en have the same namespaces', () => {
    expect(namespacesOf('en')).toEqual(namespacesOf('zh-CN'));
    expect(namespacesOf('zh-CN')).toContain('common');
  });

  it.each(allNamespaces)('namespace %s: same keys in zh-CN and en', (ns) => {
    const zh = baseKeys('zh-CN', ns);
    const en = baseKeys('en', ns);
    const missingInEn = [...zh].filter((k) => !en.has(k)).map((k) => `${ns}:${k}`);
    const missingInZh = [...en].filter((k) => !zh.has(k)).map((k) => `${ns}:${k}`);
    expect({ missingInEn, missingInZh }).toEqual({ missingInEn: [], missingInZh: [] });
    expect(zh.size).toBeGreaterThan(0);
  });

  it.each(allNamespaces)('namespace %s: every translation is a non-empty string', (ns) => {
    const bad: string[] = [];
    for (const lng of LANGUAGES) {
      for (const [key, value] of locales[lng]?.[ns] ?? []) {
        if (typeof value !== 'string') bad.push(`${lng}/${ns}:${key} is ${JSON.stringify(value)}`);
        else if (value.trim() === '') bad.push(`${lng}/${ns}:${key} is empty`);
      }
    }
    expect(bad).toEqual([]);
  });

  it.each(allNamespaces)('namespace %s: the same {{variables}} in both languages', (ns) => {
    const varsByBase = (lng: Lng) => {
      const out = new Map<string, Set<string>>();
      for (const [key, value] of locales[lng]?.[ns] ?? []) {
        if (typeof value !== 'string') continue;
        const set = out.get(baseKey(key)) ?? new Set<string>();
        for (const v of variablesOf(value)) set.add(v);
        out.set(baseKey(key), set);
      }
      return out;
    };
    const zh = varsByBase('zh-CN');
    const en = varsByBase('en');
    const mismatches: string[] = [];
    for (const [key, zhVars] of zh) {
      const enVars = en.get(key);
      if (!enVars) continue; // reported by the key test
      const a = [...zhVars].sort().join(',');
      const b = [...enVars].sort().join(',');
      if (a !== b) mismatches.push(`${ns}:${key} zh-CN {${a}} vs en {${b}}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('every audit action has its words in both languages', async () => {
    const { AUDIT_ACTIONS } = await import('../../src-main/domain/contracts');
    for (const lng of LANGUAGES) {
      const missing = AUDIT_ACTIONS.filter((a) => !locales[lng]?.admin?.has(`actions.${a.replace('.', '_')}`));
      expect(missing, lng).toEqual([]);
    }
  });

  it('English screens carry no Chinese, except the name of the Chinese language itself', () => {
    const han = /[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]/;
    const found: string[] = [];
    for (const ns of namespacesOf('en')) {
      for (const [key, value] of locales.en?.[ns] ?? []) {
        if (typeof value === 'string' && han.test(value) && !(ns === 'common' && /(^|\.)zh-CN$/.test(key))) found.push(`${ns}:${key} = ${value}`);
      }
    }
    expect(found).toEqual([]);
  });
});

describe('the helpers of this test', () => {
  it('flatten nested objects to dotted keys', () => {
    expect([...flatten({ a: { b: 'x', c: { d: 'y' } }, e: 'z' }).keys()]).toEqual(['a.b', 'a.c.d', 'e']);
  });
  it('read interpolation variables', () => {
    expect(variablesOf('{{count}} min, {{ name }} at {{when, datetime}}')).toEqual(['count', 'name', 'when']);
    expect(variablesOf('no variables')).toEqual([]);
  });
  it('find the keys used in source', () => {
    const src = [
      "const { t } = useTranslation(['kiosk', 'common']);",
      "t('title'); t(\"common:appName\"); t('minutes', { count: 3 }); t(`errors.${code}`); t('errors.' + code);",
      '<Trans i18nKey="common:loading" />',
      "i18next.t('common:vip');",
    ].join('\n');
    expect(keyUses(src).map((u) => [u.key, u.namespaces.join('|')])).toEqual([
      ['title', 'kiosk|common'],
      ['common:appName', 'kiosk|common'],
      ['minutes', 'kiosk|common'],
      ['common:loading', 'kiosk|common'],
      ['common:vip', 'common'],
    ]);
  });
});

// ---------------------------------------------------------------- keys used by the screens

interface KeyUse {
  key: string;
  /** Namespaces an unprefixed key is looked up in, in order; empty when unknown. */
  namespaces: string[];
  line: number;
}

/** useTranslation('ns') / useTranslation(['a', 'b']) calls with their position. */
function translationScopes(source: string): { at: number; namespaces: string[] }[] {
  const out: { at: number; namespaces: string[] }[] = [];
  for (const m of source.matchAll(/useTranslation\(\s*(\[[^\]]*\]|'[^']*'|"[^"]*")?\s*[,)]/g)) {
    const arg = m[1];
    const namespaces = arg ? [...arg.matchAll(/['"]([^'"]+)['"]/g)].map((x) => x[1]!) : ['common'];
    out.push({ at: m.index, namespaces });
  }
  return out;
}

/**
 * Literal keys in t('...') / t("...") / t(`...`) (first argument only, no ${}), <Trans i18nKey="..."> and
 * i18n.t / i18next.t calls. Dynamic keys are skipped. An unprefixed key of a plain t() is looked up in
 * the namespaces of the nearest useTranslation() before it; member calls (i18next.t) use 'common'.
 */
function keyUses(source: string): KeyUse[] {
  const scopes = translationScopes(source);
  const lineOf = (index: number) => source.slice(0, index).split('\n').length;
  const scopeAt = (index: number) => {
    let found: string[] = [];
    for (const s of scopes) if (s.at < index) found = s.namespaces;
    return found;
  };
  const uses: { index: number; use: KeyUse }[] = [];
  const KEY = /^[A-Za-z0-9_-]+(:[A-Za-z0-9_.-]+)?(\.[A-Za-z0-9_-]+)*$/;
  for (const m of source.matchAll(/(\.?)\bt\(\s*(['"`])([^'"`$\\\n]*)\2\s*[,)]/g)) {
    const key = m[3]!;
    if (!KEY.test(key)) continue;
    const member = m[1] === '.';
    uses.push({ index: m.index, use: { key, namespaces: member ? ['common'] : scopeAt(m.index), line: lineOf(m.index) } });
  }
  for (const m of source.matchAll(/i18nKey=\{?\s*(['"])([^'"]+)\1/g)) {
    const key = m[2]!;
    if (!KEY.test(key)) continue;
    uses.push({ index: m.index, use: { key, namespaces: scopeAt(m.index), line: lineOf(m.index) } });
  }
  return uses.sort((a, b) => a.index - b.index).map((u) => u.use);
}

function renderSources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'locales' && name !== 'node_modules') out.push(...renderSources(path));
    } else if (/\.(tsx|ts)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

describe('keys used by the screens', () => {
  const files = renderSources(SRC);
  const uses = files.flatMap((file) =>
    keyUses(readFileSync(file, 'utf8')).map((u) => ({ ...u, file: relative(ROOT, file).split(sep).join('/') })),
  );

  it('finds translated text in the screens', () => {
    expect(uses.length).toBeGreaterThan(0);
  });

  it("every literal 'ns:key' exists in both languages", () => {
    const missing: string[] = [];
    for (const u of uses) {
      const colon = u.key.indexOf(':');
      if (colon < 0) continue;
      const ns = u.key.slice(0, colon);
      const key = u.key.slice(colon + 1);
      for (const lng of LANGUAGES) {
        if (!hasKey(lng, ns, key)) missing.push(`${u.file}:${u.line} ${u.key} (missing in ${lng})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every literal unprefixed key exists in one of the namespaces of its useTranslation()', () => {
    const missing: string[] = [];
    for (const u of uses) {
      if (u.key.includes(':') || u.namespaces.length === 0) continue;
      for (const lng of LANGUAGES) {
        if (!u.namespaces.some((ns) => hasKey(lng, ns, u.key))) {
          missing.push(`${u.file}:${u.line} ${u.key} (not in ${u.namespaces.join(' / ')} for ${lng})`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('every namespace a screen asks for exists', () => {
    const unknown: string[] = [];
    for (const file of files) {
      for (const s of translationScopes(readFileSync(file, 'utf8'))) {
        for (const ns of s.namespaces) if (!allNamespaces.includes(ns)) unknown.push(`${relative(ROOT, file)}: ${ns}`);
      }
    }
    expect(unknown).toEqual([]);
  });
});
