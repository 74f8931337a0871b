#!/usr/bin/env node
/**
 * Generates the lobby display's voice clips ("Lobby display /display") at build time with
 * espeak-ng and sox, into src-renderer/public/voice/<lang>/<name>.ogg. Vite copies src-renderer/public
 * into out/renderer, so the hub serves them at /voice/<lang>/<name>.ogg. The clips are committed:
 * a normal build does not need espeak-ng or sox.
 *
 * Regenerate (needs `espeak-ng` and `sox` with ogg/vorbis on the PATH; Debian: apt-get install
 * espeak-ng sox libsox-fmt-all), then commit src-renderer/public/voice:
 *
 *     node resources/voice/generate.mjs
 *
 * What is generated (names must match src-renderer/src/screens/display/announcer.ts; a unit test
 * checks that every clip a call can need exists):
 * - zh-CN and en: digits 0-9 and letters A-Z (ticket numbers, read character by character);
 * - zh-CN: please (请), number-to (号到), counter (号窗口), 10 (十: counters 10-99 are read 十二, 二十三);
 * - en: ticket, please-go-to-counter, 10-19 and 20, 30 ... 90 (counters read as "twelve", "twenty three");
 * - silence.ogg (0.1 s), used to test whether the browser lets the page play sound.
 * Mandarin is synthesised from pinyin with the cmn-latn-pinyin voice: the cmn voice of the Debian
 * espeak-ng build reads several characters wrongly (请 comes out as English "king three"). Letters are
 * read as English letter names in both languages, as Chinese queue systems do (cmn's "E" sounds like 一).
 * Output: 16 kHz mono ogg/vorbis, silence trimmed, normalised; 3.5-8 KB a clip, under 0.5 MB in all.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = join(ROOT, 'src-renderer/public/voice');

const ZH_DIGITS = ['ling2', 'yi1', 'er4', 'san1', 'si4', 'wu3', 'liu4', 'qi1', 'ba1', 'jiu3'];
const EN_DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const EN_TEENS = ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const EN_TENS = ['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const LETTERS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];

const ZH = { voice: 'cmn-latn-pinyin', speed: 150 };
const EN = { voice: 'en', speed: 150 };

/** @type {{ lang: 'zh-CN' | 'en'; name: string; text: string; voice: { voice: string; speed: number } }[]} */
const clips = [
  ...ZH_DIGITS.map((text, d) => ({ lang: 'zh-CN', name: String(d), text, voice: ZH })),
  ...LETTERS.map((l) => ({ lang: 'zh-CN', name: l, text: l, voice: EN })),
  { lang: 'zh-CN', name: 'please', text: 'qing3', voice: ZH },
  { lang: 'zh-CN', name: 'number-to', text: 'hao4 dao4', voice: ZH },
  { lang: 'zh-CN', name: 'counter', text: 'hao4 chuang1 kou3', voice: ZH },
  { lang: 'zh-CN', name: '10', text: 'shi2', voice: ZH },
  ...EN_DIGITS.map((text, d) => ({ lang: 'en', name: String(d), text, voice: EN })),
  ...LETTERS.map((l) => ({ lang: 'en', name: l, text: l, voice: EN })),
  { lang: 'en', name: 'ticket', text: 'ticket', voice: EN },
  { lang: 'en', name: 'please-go-to-counter', text: 'please go to counter', voice: EN },
  ...EN_TEENS.map((text, i) => ({ lang: 'en', name: String(10 + i), text, voice: EN })),
  ...EN_TENS.map((text, i) => ({ lang: 'en', name: String(20 + 10 * i), text, voice: EN })),
];

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) throw new Error(`${cmd} could not be started (${r.error.message}); install it and try again`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
}

const tmp = mkdtempSync(join(tmpdir(), 'lobby-voice-'));
try {
  rmSync(OUT, { recursive: true, force: true });
  for (const lang of ['zh-CN', 'en']) mkdirSync(join(OUT, lang), { recursive: true });
  for (const c of clips) {
    const raw = join(tmp, 'raw.wav');
    run('espeak-ng', ['-v', c.voice.voice, '-s', String(c.voice.speed), '-w', raw, c.text]);
    // -R: repeatable output (fixed ogg serial numbers), so regenerating does not churn the files.
    // silence ... reverse silence ... reverse: trims leading and trailing silence; pad: a short gap after.
    run('sox', ['-R', raw, '-r', '16000', '-c', '1', '-C', '0', join(OUT, c.lang, `${c.name}.ogg`),
      'silence', '1', '0.02', '0.5%', 'reverse', 'silence', '1', '0.02', '0.5%', 'reverse', 'norm', '-1', 'pad', '0', '0.06']);
  }
  run('sox', ['-R', '-n', '-r', '16000', '-c', '1', '-C', '0', join(OUT, 'silence.ogg'), 'trim', '0', '0.1']);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

let total = 0;
let count = 0;
for (const lang of ['zh-CN', 'en']) {
  for (const f of readdirSync(join(OUT, lang))) {
    total += statSync(join(OUT, lang, f)).size;
    count += 1;
  }
}
console.log(`${count + 1} clips in ${OUT} (${(total / 1024).toFixed(0)} KB)`);
