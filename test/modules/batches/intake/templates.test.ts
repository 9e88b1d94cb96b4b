import t from 'tap';
import ExcelJS from 'exceljs';
import { LANGUAGES } from '../../../../src/lib/i18n.js';
import { BATCH_COLUMNS, HEADER_NAMES } from '../../../../src/modules/batches/intake/columns.js';
import { readSheet } from '../../../../src/modules/batches/intake/read-sheet.js';
import { batchTemplate } from '../../../../src/modules/batches/intake/templates.js';

const SCRIPT = { en: /^[A-Za-z ]+$/, fr: /[éèêëçœà]/i, ar: /^[\u0600-\u06ff ]+$/, zh: /^\p{Script=Han}+$/u } as const;

t.test('every template reads back with readSheet: its language\'s headers, all columns, one example learner', async (t) => {
  for (const language of LANGUAGES) {
    for (const format of ['csv', 'xlsx'] as const) {
      const data = await batchTemplate({ language, format });
      const reading = await readSheet({ data, maxRows: 10 });
      const label = `${language} ${format}`;
      t.equal(reading.format, format, label);
      t.same(reading.columns.map((c) => c.column), [...BATCH_COLUMNS], `${label}: every column, in order`);
      t.same(reading.columns.map((c) => c.header), BATCH_COLUMNS.map((column) => HEADER_NAMES[column][language][0]), `${label}: the language's own header names`);
      t.same(reading.unknownColumns, [], label);
      t.equal(reading.rows.length, 1, label);
      const example = reading.rows[0]!.values;
      t.same(Object.keys(example), [...BATCH_COLUMNS], `${label}: the example fills every column`);
      t.match(example.name, SCRIPT[language], `${label}: the example name is written as ${language} names are`);
      t.equal(example.language, language, label);
      t.equal(example.validFrom, '2026-11-23', `${label}: dates read back as dates (a real date cell in the workbook)`);
      t.equal(example.externalId, '20231234', label);
    }
  }
});

t.test('the CSV template is UTF-8 with a byte-order mark, CRLF, and survives a plain UTF-8 reading', async (t) => {
  const data = await batchTemplate({ language: 'ar', format: 'csv' });
  t.same([...data.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the mark Excel needs to open UTF-8 correctly');
  const text = data.subarray(3).toString('utf8');
  t.equal(text.split('\r\n').length, 3, 'two records, CRLF-terminated');
  t.ok(text.startsWith('الاسم الكامل,'), text.slice(0, 40));
});

t.test('the workbook template: a frozen header, ids as text, and a help sheet in its language listing every column', async (t) => {
  const expected = {
    en: { sheet: 'Help', yes: 'Yes', heading: 'Column' },
    fr: { sheet: 'Aide', yes: 'Oui', heading: 'Colonne' },
    ar: { sheet: 'مساعدة', yes: 'نعم', heading: 'العمود' },
    zh: { sheet: '帮助', yes: '是', heading: '列' },
  } as const;
  for (const language of LANGUAGES) {
    const book = new ExcelJS.Workbook();
    const data = await batchTemplate({ language, format: 'xlsx' });
    await book.xlsx.load(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer);
    t.same(book.worksheets.map((sheet) => sheet.name), ['Cohort', expected[language].sheet], language);
    const cohort = book.worksheets[0]!;
    t.match(cohort.views[0], { state: 'frozen', ySplit: 1, rightToLeft: language === 'ar' }, `${language}: header frozen; right to left for Arabic`);
    t.equal(cohort.getColumn(BATCH_COLUMNS.indexOf('externalId') + 1).numFmt, '@', `${language}: the id column keeps leading zeros`);
    const help = book.worksheets[1]!;
    t.equal(help.getCell('A1').value, expected[language].heading);
    t.equal(help.rowCount, 1 + BATCH_COLUMNS.length, `${language}: one help row per column`);
    BATCH_COLUMNS.forEach((column, i) => {
      const row = help.getRow(i + 2);
      t.equal(row.getCell(1).value, HEADER_NAMES[column][language][0], `${language} ${column}: the header`);
      if (column === 'name') t.equal(row.getCell(2).value, expected[language].yes, `${language}: name is required`);
      t.ok(String(row.getCell(3).value).length > 10, `${language} ${column}: a format description`);
      for (const other of HEADER_NAMES[column][language].slice(1)) t.match(String(row.getCell(5).value), other, `${language} ${column}: lists "${other}"`);
    });
  }
});
