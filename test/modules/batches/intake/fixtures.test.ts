import { readFileSync } from 'node:fs';
import t from 'tap';
import { readSheet } from '../../../../src/modules/batches/intake/read-sheet.js';
import { FIXTURE_LEARNERS } from '../../../fixtures/batches/generate.js';

// The committed files under test/fixtures/batches, as a route test or a person with curl would upload them.
const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/batches/${name}`, import.meta.url));
const read = (name: string) => readSheet({ data: fixture(name), fileName: name, maxRows: 100 });
const expected = (learners: typeof FIXTURE_LEARNERS) =>
  learners.map((l) => ({ name: l.name, email: l.email, achievementId: 'genai-foundation', externalId: l.externalId }));

t.test('the committed cohort files read as the learners they were written with', async (t) => {
  const cases = [
    { file: 'cohort-utf8-bom.csv', encoding: 'UTF-8', learners: FIXTURE_LEARNERS },
    { file: 'cohort-unicode-text.txt', encoding: 'UTF-16LE', learners: FIXTURE_LEARNERS },
    { file: 'cohort-ar-windows-1256.csv', encoding: 'windows-1256', learners: FIXTURE_LEARNERS.slice(0, 1) },
    { file: 'cohort-fr-windows-1252.csv', encoding: 'windows-1252', learners: FIXTURE_LEARNERS.slice(1, 2) },
    { file: 'cohort-zh-gb18030.csv', encoding: 'GB18030', learners: FIXTURE_LEARNERS.slice(2) },
  ];
  for (const { file, encoding, learners } of cases) {
    const reading = await read(file);
    t.equal(reading.encoding, encoding, file);
    t.same(reading.rows.map((row) => row.values), expected(learners), file);
  }
  const workbook = await read('cohort.xlsx');
  t.same(workbook.unknownColumns, ['Phone']);
  t.same(workbook.rows.map((row) => row.values), expected(FIXTURE_LEARNERS).map((values) => ({ ...values, validFrom: '2026-11-23' })));
});

t.test('the committed hostile files are refused', async (t) => {
  await t.rejects(read('zip-bomb.xlsx'), { name: 'HttpProblem', status: 413, type: '/problems/file-too-large-when-unzipped' });
  await t.rejects(read('old-excel.xls'), { name: 'HttpProblem', status: 422, type: '/problems/unsupported-file-type' });
});
