/**
 * i18next set-up: zh-CN (default) and en, one namespace per screen plus `common`.
 * Every UI string goes through here; tests/unit/i18n.test.ts fails on a key missing in either language.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

type Resources = Record<string, Record<string, Record<string, unknown>>>;

// Every JSON file under locales/<lng>/<namespace>.json becomes a namespace.
const files = import.meta.glob('./locales/*/*.json', { eager: true, import: 'default' }) as Record<
  string,
  Record<string, unknown>
>;

export function localeResources(): Resources {
  const resources: Resources = {};
  for (const [path, content] of Object.entries(files)) {
    const m = /\.\/locales\/([^/]+)\/([^/]+)\.json$/.exec(path);
    if (!m) continue;
    const [, lng, ns] = m as unknown as [string, string, string];
    (resources[lng] ??= {})[ns] = content;
  }
  return resources;
}

export const SUPPORTED_LANGUAGES = ['zh-CN', 'en'] as const;
export type UiLanguage = (typeof SUPPORTED_LANGUAGES)[number];

export function initI18n(lng: UiLanguage = 'zh-CN') {
  const resources = localeResources();
  void i18next.use(initReactI18next).init({
    resources,
    lng,
    fallbackLng: false,
    supportedLngs: [...SUPPORTED_LANGUAGES],
    ns: Object.keys(resources['zh-CN'] ?? {}),
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  i18next.on('languageChanged', (l) => {
    document.documentElement.lang = l;
  });
  document.documentElement.lang = lng;
  return i18next;
}
