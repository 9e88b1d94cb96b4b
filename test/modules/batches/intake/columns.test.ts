import { readFileSync } from 'node:fs';
import t from 'tap';
import { LANGUAGES } from '../../../../src/lib/i18n.js';
import {
  BATCH_COLUMNS,
  columnForHeader,
  HEADER_NAMES,
  normaliseHeader,
} from '../../../../src/modules/batches/intake/columns.js';

t.test('every listed name of every language reads as its column', async (t) => {
  for (const column of BATCH_COLUMNS) {
    for (const language of LANGUAGES) {
      const names = HEADER_NAMES[column][language];
      t.ok(names.length > 0, `${column} has ${language} names`);
      for (const name of names) t.equal(columnForHeader(name), column, `${language} "${name}"`);
    }
  }
});

t.test('examples from the brief, in all four languages', async (t) => {
  const expected: [string, string][] = [
    ['Name', 'name'], ['Full name', 'name'], ['Nom', 'name'], ['Nom complet', 'name'], ['الاسم', 'name'], ['姓名', 'name'],
    ['course', 'achievementId'], ['Course code', 'achievementId'], ['Cours', 'achievementId'], ['Code du cours', 'achievementId'],
    ['المقرر', 'achievementId'], ['رمز المقرر', 'achievementId'], ['课程', 'achievementId'], ['课程代码', 'achievementId'],
    ['Learner ID', 'externalId'], ['Enrolment ID', 'externalId'], ['Identifiant', 'externalId'], ['رقم المتعلم', 'externalId'], ['学号', 'externalId'],
    ['E-mail', 'email'], ['Courriel', 'email'], ['البريد الإلكتروني', 'email'], ['电子邮件', 'email'],
  ];
  for (const [header, column] of expected) t.equal(columnForHeader(header), column, header);
});

t.test('matching ignores case, accents, hamza and diacritics, spaces, underscores, hyphens and direction marks', async (t) => {
  for (const header of ['FULL_NAME', 'full-name', '  Full   Name ', 'fullName', 'Ｆｕｌｌ Ｎａｍｅ']) t.equal(columnForHeader(header), 'name', header);
  for (const header of ['NOM ET PRENOM', 'nom_et_prénom', 'Nom et Prénom']) t.equal(columnForHeader(header), 'name', header);
  t.equal(columnForHeader('DATE D’EXPIRATION'), 'validUntil', 'typographic apostrophe');
  t.equal(columnForHeader('valide a partir du'), 'validFrom', 'accent left out');
  t.equal(columnForHeader('البريد الالكتروني'), 'email', 'إ typed as ا');
  t.equal(columnForHeader('الاِسْم'), 'name', 'with harakat');
  t.equal(columnForHeader('\u200fالاسم\u200f'), 'name', 'with right-to-left marks Excel keeps');
  t.equal(columnForHeader('اللغه'), 'language', 'ة typed as ه');
  t.equal(normaliseHeader('Valid-From_Date'), 'validfromdate');
});

t.test('unknown headers are null, not a guess', async (t) => {
  for (const header of ['', 'date', 'id', 'phone', 'téléphone', 'الهاتف', '电话', 'names', 'nome']) t.equal(columnForHeader(header), null, JSON.stringify(header));
});

t.test('docs/cohort-files.md lists every accepted header name', async (t) => {
  const doc = readFileSync(new URL('../../../../docs/cohort-files.md', import.meta.url), 'utf8');
  for (const column of BATCH_COLUMNS) {
    for (const language of LANGUAGES) for (const name of HEADER_NAMES[column][language]) t.ok(doc.includes(name), `${column}: "${name}"`);
  }
});
