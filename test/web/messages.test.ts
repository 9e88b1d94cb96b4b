import t from 'tap';
import { LANGUAGES, type Language } from '../../src/lib/i18n.js';
import { ar } from '../../src/web/messages/ar.js';
import { en } from '../../src/web/messages/en.js';
import { fr } from '../../src/web/messages/fr.js';
import { pageCatalogues, pageMessages, type PageMessages } from '../../src/web/messages/index.js';
import { zh } from '../../src/web/messages/zh.js';

// The page and PDF certificate catalogue (src/web/messages): one nested catalogue per language, with exactly the key
// paths of the English one, the same kind of leaf (text or message function) at each path, and functions that read
// and show the same parameters as English.

type Params = Record<string, string>;
type MessageFn = (params: Params) => string;

// Distinctive values, none a substring of another or of any message's own words.
const PARAMS: Params = {
  platformName: 'Platform-Z',
  date: 'Date-D',
  hours: 'Hours-H',
  link: 'https://x.test/Link-L',
  size: 'Size-S',
  reason: 'Reason-R',
  code: 'Code-C',
  seconds: 'Seconds-S',
  requestId: 'Req-Q',
  centre: 'Centre-X',
  level: 'Level-V',
  count: 'Count-N',
  wallet: 'Wallet-W',
};

const translations = { fr, ar, zh } satisfies Record<Exclude<Language, 'en'>, PageMessages>;
const ARABIC = /\p{Script=Arabic}/u;
const HAN = /\p{Script=Han}/u;
/** Bidi controls (marks, embeddings, overrides, isolates): the page isolates values itself, texts carry none. */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
/** Technical tokens and names kept as they are in every language (checked wherever English has them). */
const TOKENS = ['IIOE', 'UNESCO-ICHEI', 'JSON', 'QR', 'PDF', 'LinkedIn', '@context', 'type', 'credentialSubject', 'proof', 'EG-7K4Q-92MX-3TRA-K', '{', '}'];

function isNode(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every key path in a catalogue, of nested objects and of leaves alike ("verdicts", "verdicts.valid", "verdicts.valid.title"…). */
function keyPaths(node: unknown, prefix = ''): string[] {
  if (!isNode(node)) return [];
  return Object.entries(node).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return [path, ...keyPaths(value, path)];
  });
}

/** The leaves (anything that is not a nested object), by key path. */
function leaves(node: unknown, prefix = ''): Map<string, unknown> {
  const found = new Map<string, unknown>();
  if (!isNode(node)) return found;
  for (const [key, value] of Object.entries(node)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isNode(value)) for (const [inner, leaf] of leaves(value, path)) found.set(inner, leaf);
    else found.set(path, value);
  }
  return found;
}

/** Key paths missing from `catalogue` and key paths it has that English has not. */
function keyDiff(catalogue: unknown): { missing: string[]; extra: string[] } {
  const expected = new Set(keyPaths(en));
  const actual = new Set(keyPaths(catalogue));
  return { missing: [...expected].filter((path) => !actual.has(path)), extra: [...actual].filter((path) => !expected.has(path)) };
}

/** Calls a message function with PARAMS through a proxy: the text and the parameter names it read. */
function call(message: unknown): { text: unknown; read: string[] } {
  const read = new Set<string>();
  const proxy = new Proxy({ ...PARAMS }, {
    get(target, key) {
      if (typeof key === 'string') read.add(key);
      return Reflect.get(target, key);
    },
  });
  const text = (message as MessageFn)(proxy);
  return { text, read: [...read].sort() };
}

/** Problems with a translated message function, compared with the English one at the same path. */
function parameterProblems(english: unknown, translated: unknown): string[] {
  const reference = call(english);
  const result = call(translated);
  const problems: string[] = [];
  if (typeof result.text !== 'string' || result.text.trim() === '') return ['does not return a non-empty string'];
  if (reference.read.join() !== result.read.join()) problems.push(`reads ${result.read.join(', ') || 'nothing'}, English reads ${reference.read.join(', ') || 'nothing'}`);
  for (const key of reference.read) {
    const value = PARAMS[key]!;
    if (String(reference.text).includes(value) && !result.text.includes(value)) problems.push(`does not show ${key}`);
  }
  if (result.text.includes('undefined')) problems.push('shows "undefined"');
  return problems;
}

/** The text of a leaf: a string as it is, a message function called with PARAMS. */
function text(leaf: unknown): string {
  return typeof leaf === 'function' ? String(call(leaf).text) : String(leaf);
}

const enLeaves = leaves(en);

t.test('every language has a catalogue, the one exported from its own file', async (t) => {
  t.same(Object.keys(pageCatalogues).sort(), [...LANGUAGES].sort());
  t.equal(pageCatalogues.en, en, 'en');
  for (const [language, catalogue] of Object.entries(translations)) {
    t.equal(pageCatalogues[language as Language], catalogue, language);
    t.not(catalogue, en as unknown, `${language} is not the English catalogue`);
  }
  for (const language of LANGUAGES) t.equal(pageMessages(language), pageCatalogues[language], `pageMessages('${language}')`);
});

t.test('the checks below catch what they are meant to catch', async (t) => {
  const broken = {
    ...fr,
    verdicts: { ...fr.verdicts, expired: { title: 'Expiré' } },
    certificate: { ...fr.certificate, footnote: 'extra' },
  };
  t.same(keyDiff(broken), { missing: ['verdicts.expired.explanation'], extra: ['certificate.footnote'] }, 'nested missing and extra keys, by path');
  t.same(keyDiff(en), { missing: [], extra: [] }, 'English against itself');
  t.same(parameterProblems(en.errors.codeUnknown, () => 'Aucun certificat ne porte ce code.'), ['reads nothing, English reads code', 'does not show code']);
  t.same(parameterProblems(en.errors.codeUnknown, (p: Params) => `Code ${p.code?.length}`), ['does not show code']);
  t.same(parameterProblems(en.errors.codeUnknown, fr.errors.codeUnknown), []);
  t.ok(enLeaves.size >= 90, `the English catalogue is complete (${enLeaves.size} leaves)`);
});

t.test('every catalogue has exactly the nested keys of the English one', async (t) => {
  for (const [language, catalogue] of Object.entries(translations)) {
    const { missing, extra } = keyDiff(catalogue);
    t.same(missing, [], `${language}: missing keys${missing.length ? `: ${missing.join(', ')}` : ''}`);
    t.same(extra, [], `${language}: extra keys${extra.length ? `: ${extra.join(', ')}` : ''}`);
  }
});

t.test('every leaf is a non-empty text or a message function, as in English', async (t) => {
  for (const [path, leaf] of enLeaves) {
    t.ok((typeof leaf === 'string' && leaf.trim() !== '') || typeof leaf === 'function', `en ${path}: a non-empty string or a function`);
  }
  for (const [language, catalogue] of Object.entries(translations)) {
    for (const [path, leaf] of leaves(catalogue)) {
      const english = enLeaves.get(path);
      if (english === undefined) continue; // reported by the key test
      if (typeof english === 'function') t.type(leaf, 'function', `${language} ${path}: a message function, as in English`);
      else t.ok(typeof leaf === 'string' && leaf.trim() !== '', `${language} ${path}: a non-empty string, as in English`);
    }
  }
});

t.test('message functions read the same parameters as English and show every value English shows', async (t) => {
  const functions = [...enLeaves].filter(([, leaf]) => typeof leaf === 'function');
  t.ok(functions.length >= 15, `${functions.length} message functions`);
  for (const [path, english] of functions) {
    const { text: englishText, read } = call(english);
    const untested = read.filter((key) => !(key in PARAMS));
    t.same(untested, [], `en ${path}: parameters without a test value${untested.length ? `: ${untested.join(', ')}` : ''}`);
    t.ok(read.length > 0 && read.every((key) => String(englishText).includes(PARAMS[key] ?? '\0')), `en ${path}: shows the parameters it reads (${read.join(', ')})`);
    for (const [language, catalogue] of Object.entries(translations)) {
      const leaf = leaves(catalogue).get(path);
      if (typeof leaf !== 'function') continue; // reported by the leaf test
      const problems = parameterProblems(english, leaf);
      t.same(problems, [], `${language} ${path}${problems.length ? `: ${problems.join('; ')} — ${text(leaf)}` : ''}`);
    }
  }
});

t.test('Arabic is written in Arabic script and Chinese in Chinese characters, everywhere', async (t) => {
  for (const [path] of enLeaves) {
    const arabic = leaves(ar).get(path);
    const chinese = leaves(zh).get(path);
    if (arabic !== undefined) t.match(text(arabic), ARABIC, `ar ${path}: Arabic script — ${text(arabic)}`);
    if (chinese !== undefined) t.match(text(chinese), HAN, `zh ${path}: Chinese characters — ${text(chinese)}`);
  }
  // The ones that matter most, named (already covered above, kept explicit should exceptions ever be allowed).
  const key = [...Object.keys(en.verdicts).map((verdict) => `verdicts.${verdict}.title`), ...Object.keys(en.checks.names).map((name) => `checks.names.${name}`), 'verify.title'];
  for (const path of key) {
    t.match(text(leaves(ar).get(path)), ARABIC, `ar ${path} is in Arabic`);
    t.match(text(leaves(zh).get(path)), HAN, `zh ${path} is in Chinese`);
  }
});

t.test('translations are not English', async (t) => {
  for (const [language, catalogue] of Object.entries(translations)) {
    for (const verdict of Object.keys(en.verdicts) as (keyof PageMessages['verdicts'])[]) {
      t.not(catalogue.verdicts[verdict]?.title, en.verdicts[verdict].title, `${language} verdicts.${verdict}.title is translated`);
    }
    t.not(catalogue.languageName, en.languageName, `${language} languageName`);
    t.not(catalogue.verify.title, en.verify.title, `${language} verify.title`);
    const translated = leaves(catalogue);
    const identical = [...enLeaves].filter(([path, english]) => translated.has(path) && text(translated.get(path)) === text(english)).map(([path]) => path);
    // A few words are the same in French ("Signature", "Format", the course level "Module"); none in Arabic or Chinese.
    const allowed = language === 'fr' ? 3 : 0;
    t.ok(identical.length <= allowed, `${language}: ${identical.length} leaves identical to English (at most ${allowed})${identical.length ? `: ${identical.join(', ')}` : ''}`);
  }
});

t.test('names and technical tokens are kept as they are', async (t) => {
  const word = (token: string) =>
    /^[A-Za-z]/.test(token) ? new RegExp(`(?<![A-Za-z0-9])${token.replace(/[-]/g, '\\-')}(?![A-Za-z0-9])`) : new RegExp(token.replace(/[{}@]/g, '\\$&'));
  for (const [path, english] of enLeaves) {
    const englishText = text(english);
    for (const token of TOKENS.filter((token) => word(token).test(englishText))) {
      for (const [language, catalogue] of Object.entries(translations)) {
        const leaf = leaves(catalogue).get(path);
        if (leaf !== undefined) t.match(text(leaf), word(token), `${language} ${path}: ${token}`);
      }
    }
  }
});

t.test('own names of the languages, and clean typography', async (t) => {
  t.equal(fr.languageName, 'Français');
  t.equal(ar.languageName, 'العربية');
  t.equal(zh.languageName, '中文');
  for (const [language, catalogue] of Object.entries({ en, ...translations })) {
    for (const [path, leaf] of leaves(catalogue)) {
      t.notMatch(text(leaf), BIDI_CONTROLS, `${language} ${path}: no bidi control characters`);
      t.equal(text(leaf), text(leaf).trim(), `${language} ${path}: no leading or trailing space`);
    }
  }
  for (const [path, leaf] of leaves(fr)) {
    // French: a no-break space before « : » and « ; », none missing, no ordinary one; typographic apostrophes.
    t.notMatch(text(leaf), /(?<!\u00a0)[:;](?=\s)|\u0020[:;]/u, `fr ${path}: no-break space before : and ;`);
    t.notMatch(text(leaf), /[A-Za-zÀ-ÿ]'[A-Za-zÀ-ÿ]/u, `fr ${path}: typographic apostrophes`);
  }
  for (const [path, leaf] of leaves(ar)) t.notMatch(text(leaf), /[\p{Script=Arabic}]\s?[,;?]/u, `ar ${path}: Arabic punctuation (، ؛ ؟) after Arabic words`);
  for (const [path, leaf] of leaves(zh)) t.notMatch(text(leaf), /\p{Script=Han}[,:;.?!()]|[,:;.?!()]\p{Script=Han}/u, `zh ${path}: full-width punctuation next to Chinese`);
});
