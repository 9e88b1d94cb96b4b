import t from 'tap';
import { LANGUAGES, type Language } from '../../../src/lib/i18n.js';
import { catalogues, checkMessage } from '../../../src/modules/verification/messages.js';
import { ar } from '../../../src/modules/verification/messages/ar.js';
import { en } from '../../../src/modules/verification/messages/en.js';
import { fr } from '../../../src/modules/verification/messages/fr.js';
import type { Catalogue, Params } from '../../../src/modules/verification/messages/types.js';
import { zh } from '../../../src/modules/verification/messages/zh.js';
import type { CheckCode } from '../../../src/modules/verification/report.js';
import { DEMO_CENTRE, DEMO_COURSES } from '../../../src/modules/demo/data.js';
import { build, demoToken, firstAchievementId, issue } from '../../helper.js';

// The verification check messages: one catalogue per language (same keys, same parameters as English), and the
// language of POST /api/v1/verify's report.

// Distinctive values, none a substring of another or of any message's own words.
const FULL: Record<string, string> = {
  issuerName: 'Centre-X',
  achievementName: 'Course-Y',
  platformName: 'Platform-Z',
  issuerId: 'did:example:Issuer-I',
  date: '2031-02-03',
  until: '2032-04-05T06:07:08Z',
  reason: 'Reason-R',
  replacement: 'https://example.test/credentials/Replacement-Q',
  validUntil: '2033-06-07T08:09:10Z',
  validFrom: '2034-08-09T10:11:12Z',
};
const { replacement: _replacement, ...withoutReplacement } = FULL;
/** Every branch: all parameters, all but the one that switches a message, each one alone, none. */
const PARAM_SETS: [string, Params][] = [
  ['full params', FULL],
  ['full params without replacement', withoutReplacement],
  ...Object.entries(FULL).map(([key, value]): [string, Params] => [`only ${key}`, { [key]: value }]),
  ['empty params', {}],
];

const translations = { fr, ar, zh } satisfies Record<Exclude<Language, 'en'>, Catalogue>;
const enCodes = Object.keys(en).sort() as CheckCode[];
const ARABIC = /\p{Script=Arabic}/u;
const HAN = /\p{Script=Han}/u;

/** The parameter names a message reads for these params (a proxy records them). */
function readKeys(message: (params: Params) => string, params: Params): Set<string> {
  const read = new Set<string>();
  const proxy = new Proxy({ ...params }, {
    get(target, key) {
      if (typeof key === 'string') read.add(key);
      return Reflect.get(target, key);
    },
  });
  message(proxy);
  return read;
}

t.test('every language has a catalogue, in messages.ts and in its own file', async (t) => {
  t.same(Object.keys(catalogues).sort(), [...LANGUAGES].sort());
  t.equal(catalogues.en, en);
  for (const [language, catalogue] of Object.entries(translations)) t.equal(catalogues[language as Language], catalogue, language);
});

t.test('every catalogue has exactly the keys of the English one', async (t) => {
  t.ok(enCodes.length >= 20, 'the English catalogue is complete');
  for (const [language, catalogue] of Object.entries(translations)) {
    const codes = Object.keys(catalogue);
    const missing = enCodes.filter((code) => !codes.includes(code));
    const extra = codes.filter((code) => !(code in en));
    t.same(missing, [], `${language}: missing keys${missing.length ? `: ${missing.join(', ')}` : ''}`);
    t.same(extra, [], `${language}: extra keys${extra.length ? `: ${extra.join(', ')}` : ''}`);
    for (const code of codes) t.type(catalogue[code as CheckCode], 'function', `${language} ${code} is a message function`);
  }
});

t.test('the English messages read only parameters the tests cover', async (t) => {
  for (const code of enCodes) {
    const read = new Set(PARAM_SETS.flatMap(([, params]) => [...readKeys(en[code], params)]));
    const unknown = [...read].filter((key) => !(key in FULL));
    t.same(unknown, [], `en ${code}: parameters without a test value${unknown.length ? `: ${unknown.join(', ')}` : ''}`);
  }
});

t.test('every message: a non-empty string, the same parameters as English, each value shown where English shows it', async (t) => {
  for (const [language, catalogue] of Object.entries(translations) as [string, Catalogue][]) {
    for (const code of enCodes) {
      const message = catalogue[code];
      if (typeof message !== 'function') continue; // reported by the key test
      for (const [what, params] of PARAM_SETS) {
        const english = en[code]({ ...params });
        const text = message({ ...params });
        t.type(text, 'string', `${language} ${code}, ${what}: a string`);
        t.ok(text.trim().length > 0, `${language} ${code}, ${what}: not empty`);
        t.notOk(/\$\{|\bp\.\w/.test(text), `${language} ${code}, ${what}: no unexpanded template`);
        t.same([...readKeys(message, params)].sort(), [...readKeys(en[code], params)].sort(), `${language} ${code}, ${what}: reads the same parameters as English`);
        for (const [key, value] of Object.entries(params)) {
          if (value === undefined) continue;
          t.equal(text.includes(value), english.includes(value), `${language} ${code}, ${what}: ${key} ${english.includes(value) ? 'shown' : 'not shown'} as in English — ${text}`);
        }
        if (text.includes('undefined') !== english.includes('undefined')) t.fail(`${language} ${code}, ${what}: "undefined" differs from English — ${text}`);
      }
    }
  }
});

t.test('each language is written in its own script, and is not English', async (t) => {
  for (const code of enCodes) {
    for (const [what, params] of [PARAM_SETS[0]!, PARAM_SETS.at(-1)!]) {
      const english = en[code]({ ...params });
      t.notOk(ARABIC.test(english) || HAN.test(english), `en ${code}, ${what}: Latin script`);
      for (const [language, catalogue] of Object.entries(translations) as [string, Catalogue][]) {
        if (typeof catalogue[code] !== 'function') continue; // reported by the key test
        const text = catalogue[code]({ ...params });
        t.not(text, english, `${language} ${code}, ${what}: translated`);
        if (language === 'ar') t.match(text, ARABIC, `ar ${code}, ${what}: Arabic script`);
        if (language === 'zh') t.match(text, HAN, `zh ${code}, ${what}: Chinese characters`);
      }
    }
  }
});

t.test('UNESCO-ICHEI, IIOE and Open Badges keep their names', async (t) => {
  for (const code of enCodes) {
    const english = en[code](FULL);
    for (const name of ['IIOE', 'UNESCO-ICHEI', 'Open Badges 3.0']) {
      if (!english.includes(name)) continue;
      for (const [language, catalogue] of Object.entries(translations) as [string, Catalogue][]) {
        if (typeof catalogue[code] === 'function') t.ok(catalogue[code](FULL).includes(name), `${language} ${code}: ${name}`);
      }
    }
  }
});

t.test('checkMessage: the one entry point, by language', async (t) => {
  const params = { issuerName: 'Centre-X' };
  const french = checkMessage('proof.valid', params, 'fr');
  t.equal(french, fr['proof.valid'](params));
  t.match(french, /^La signature est valide/);
  t.match(french, /Centre-X/);
  t.equal(checkMessage('proof.valid', params), en['proof.valid'](params), 'English by default');
  t.equal(checkMessage('proof.valid', params, 'en'), 'The signature is valid: Centre-X signed this credential and it has not been changed since.');
  t.equal(checkMessage('status.active', {}, 'ar'), ar['status.active']({}));
  t.equal(checkMessage('status.active', {}, 'zh'), zh['status.active']({}));
  t.equal(checkMessage('status.active', undefined, 'zh'), zh['status.active']({}), 'params default to none');
  t.equal(checkMessage('status.active', {}, 'xx' as Language), en['status.active']({}), 'an unknown language falls back to English');
});

t.test('POST /api/v1/verify reports in the chosen language', async (t) => {
  const testApp = await build(t);
  const { app } = testApp;
  const token = await demoToken(testApp);
  const achievementId = await firstAchievementId(app);
  const issued = await issue(app, token, { achievementId, recipient: { name: 'Amina El-Sayed' } });
  t.equal(issued.statusCode, 201, issued.statusCode === 201 ? 'issued' : issued.body);
  const { id } = issued.json() as { id: string };

  type Report = { verdict: string; credential: { issuer: { name: string | null } }; checks: { check: string; code: CheckCode; message: string }[] };
  const verify = async (query: string, headers: Record<string, string> = {}) => {
    const response = await app.inject({ method: 'POST', url: `/api/v1/verify${query}`, payload: { id }, headers });
    t.equal(response.statusCode, 200, `${query} ${JSON.stringify(headers)}: ${response.body.slice(0, 300)}`);
    return response.json() as Report;
  };

  const english = await verify('');
  t.equal(english.verdict, 'valid');
  t.ok(english.checks.length >= 5, 'a check per aspect');
  const englishMessage = (code: CheckCode) => english.checks.find((check) => check.code === code)?.message;

  const arabic = await verify('?lang=ar');
  t.equal(arabic.verdict, 'valid');
  t.same(arabic.checks.map((check) => check.code), english.checks.map((check) => check.code), 'the same checks');
  for (const check of arabic.checks) {
    t.match(check.message, ARABIC, `ar ${check.code}: Arabic — ${check.message}`);
    t.not(check.message, englishMessage(check.code), `ar ${check.code}: not the English message`);
  }
  // the credential was issued in English; the messages name the centre and the course as the catalogue writes them in Arabic
  t.equal(arabic.credential.issuer.name, DEMO_CENTRE.name.en, 'the summary is what the credential says');
  const arabicMessage = (code: CheckCode) => arabic.checks.find((check) => check.code === code)?.message;
  t.equal(arabicMessage('proof.valid'), checkMessage('proof.valid', { issuerName: DEMO_CENTRE.name.ar }, 'ar'), 'the centre in Arabic');
  t.equal(arabicMessage('issuer.recognised'), checkMessage('issuer.recognised', { issuerName: DEMO_CENTRE.name.ar, platformName: app.ctx.config.platform.name }, 'ar'));
  t.equal(arabicMessage('course.authorised'), checkMessage('course.authorised', { achievementName: DEMO_COURSES[0]!.name.ar }, 'ar'), 'the course in Arabic');
  t.notMatch(arabicMessage('course.authorised'), /Foundation/, 'no English course name inside the Arabic message');
  t.equal(englishMessage('course.authorised'), checkMessage('course.authorised', { achievementName: DEMO_COURSES[0]!.name.en }, 'en'), 'the issuance language reads the credential\'s own names');

  const arabicOverHeader = await verify('?lang=ar', { 'accept-language': 'fr' });
  t.same(arabicOverHeader.checks.map((check) => check.message), arabic.checks.map((check) => check.message), '?lang= wins over Accept-Language');

  const chinese = await verify('', { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5' });
  for (const check of chinese.checks) t.match(check.message, HAN, `zh by Accept-Language, ${check.code}: Chinese — ${check.message}`);

  const french = await verify('?lang=fr');
  t.match(french.checks.find((check) => check.code === 'proof.valid')?.message, /^La signature est valide/);
  for (const check of french.checks) t.not(check.message, englishMessage(check.code), `fr ${check.code}: not the English message — ${check.message}`);
});

t.test('POST /api/v1/verify names the course in the reader\'s language only where the catalogue has it', async (t) => {
  const testApp = await build(t);
  const { app } = testApp;
  const token = await demoToken(testApp);
  const courses: { id: string; languages: string[]; name: Record<string, string> }[] = (await app.inject({ method: 'GET', url: '/achievements' })).json().items;
  // a demo module has English, French and Arabic texts, no Chinese
  const module = courses.find((course) => course.languages.join() === 'en,fr,ar');
  if (!module) throw new Error('the demo module without Chinese texts is missing');
  const issued = await issue(app, token, { achievementId: module.id, recipient: { name: 'Li Wei' }, language: 'ar' });
  t.equal(issued.statusCode, 201, issued.body.slice(0, 200));
  const verify = async (lang: string) => {
    const response = await app.inject({ method: 'POST', url: `/api/v1/verify?lang=${lang}`, payload: { verifiableCredential: issued.json().verifiableCredential } });
    const report = response.json() as { verdict: string; checks: { code: CheckCode; message: string }[] };
    t.equal(report.verdict, 'valid', lang);
    return (code: CheckCode) => report.checks.find((check) => check.code === code)?.message;
  };
  const french = await verify('fr');
  t.equal(french('course.authorised'), checkMessage('course.authorised', { achievementName: module.name.fr }, 'fr'), 'issued in Arabic, read in French: the French course name');
  t.equal(french('proof.valid'), checkMessage('proof.valid', { issuerName: DEMO_CENTRE.name.fr }, 'fr'), 'and the French centre name');
  const chinese = await verify('zh');
  t.equal(chinese('course.authorised'), checkMessage('course.authorised', { achievementName: module.name.ar }, 'zh'), 'no Chinese in the catalogue: the credential\'s own (Arabic) name');
  t.equal(chinese('proof.valid'), checkMessage('proof.valid', { issuerName: DEMO_CENTRE.name.zh }, 'zh'), 'the centre has a Chinese name');

  // a forgery claiming the same course gets no catalogue words: its claims are not checked at all
  const forged = structuredClone(issued.json().verifiableCredential) as { credentialSubject: { identifier: { identityHash: string }[] } };
  forged.credentialSubject.identifier[0]!.identityHash = 'Mallory';
  const response = await app.inject({ method: 'POST', url: '/api/v1/verify?lang=fr', payload: { verifiableCredential: forged } });
  const report = response.json() as { verdict: string; checks: { code: CheckCode; message: string }[] };
  t.equal(report.verdict, 'invalid');
  t.notOk(report.checks.some((check) => check.message.includes(module.name.fr!)), 'no catalogue name for a document whose signature fails');
});
