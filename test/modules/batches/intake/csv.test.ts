import t from 'tap';
import iconv from 'iconv-lite';
import { readSheet } from '../../../../src/modules/batches/intake/read-sheet.js';
import { measure } from './measure.js';

const read = (data: Buffer, options: { encoding?: string; maxRows?: number; fileName?: string } = {}) =>
  readSheet({ data, maxRows: options.maxRows ?? 100, encoding: options.encoding, fileName: options.fileName });

const ARABIC = ['نور الهدى عبد الرحمن', 'أحمد محمود السيد', 'فاطمة الزهراء إبراهيم'];
const FRENCH = ['Françoise Lefèvre', 'Éloïse Cœur-de-Lion', 'Jérôme Ça Œillet'];
const CHINESE = ['李华', '王小明', '欧阳娜娜'];

t.test('UTF-8 with and without a byte-order mark', async (t) => {
  const text = `name,email\r\n${ARABIC[0]},nour@example.eg\r\n${CHINESE[0]},li@example.cn\r\n${FRENCH[0]},f@example.fr\r\n`;
  for (const data of [Buffer.from(text), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])]) {
    const reading = await read(data);
    t.equal(reading.format, 'csv');
    t.equal(reading.encoding, 'UTF-8');
    t.same(reading.columns, [{ header: 'name', column: 'name' }, { header: 'email', column: 'email' }], 'the mark is not part of the first header');
    t.same(reading.rows.map((row) => row.values.name), [ARABIC[0], CHINESE[0], FRENCH[0]]);
    t.same(reading.rows.map((row) => row.rowNumber), [2, 3, 4]);
  }
});

t.test('UTF-16LE with tabs, as Excel "Unicode text" writes it (with a mark) and without the mark', async (t) => {
  const text = `Nom\tCourriel\tCours\r\n${FRENCH[1]}\te@example.fr\tgenai-foundation\r\n${ARABIC[1]}\ta@example.eg\tgenai-foundation\r\n`;
  const withMark = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]);
  for (const data of [withMark, iconv.encode(text, 'utf-16le')]) {
    const reading = await read(data);
    t.equal(reading.encoding, 'UTF-16LE');
    t.same(reading.rows[0]?.values, { name: FRENCH[1], email: 'e@example.fr', achievementId: 'genai-foundation' });
    t.equal(reading.rows[1]?.values.name, ARABIC[1]);
  }
  const bigEndian = await read(Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, 'utf-16be')]));
  t.equal(bigEndian.encoding, 'UTF-16BE');
  t.equal(bigEndian.rows[1]?.values.name, ARABIC[1]);
});

t.test('windows-1256: Arabic names and headers, semicolon-separated as Arabic Excel saves them, come back intact', async (t) => {
  const text = `الاسم;البريد الإلكتروني;رمز المقرر\r\n${ARABIC.map((name, i) => `${name};l${i}@example.eg;genai-foundation`).join('\r\n')}\r\n`;
  const data = iconv.encode(text, 'windows-1256');
  t.equal(iconv.decode(data, 'windows-1256'), text, 'the fixture round-trips through windows-1256');
  t.notOk(data.includes(Buffer.from('نور')), 'and is not UTF-8');
  const reading = await read(data);
  t.equal(reading.encoding, 'windows-1256');
  t.same(reading.columns.map((c) => c.column), ['name', 'email', 'achievementId']);
  t.same(reading.rows.map((row) => row.values.name), ARABIC);
});

t.test('windows-1252: French names with é, ç, œ and capitals come back intact', async (t) => {
  const text = `Nom complet;Courriel;Matricule\r\n${FRENCH.map((name, i) => `${name};f${i}@example.fr;00${i}`).join('\r\n')}\r\n`;
  const data = iconv.encode(text, 'windows-1252');
  t.equal(iconv.decode(data, 'windows-1252'), text);
  const reading = await read(data);
  t.equal(reading.encoding, 'windows-1252');
  t.same(reading.rows.map((row) => row.values.name), FRENCH);
  t.same(reading.rows.map((row) => row.values.externalId), ['000', '001', '002'], 'leading zeros are text, kept');
});

t.test('GB18030 (Chinese Excel\'s CSV) is recognised; Chinese in UTF-8 too', async (t) => {
  const text = `姓名,电子邮件,课程代码,学号\r\n${CHINESE.map((name, i) => `${name},c${i}@example.cn,genai-foundation,2023${i}`).join('\r\n')}\r\n`;
  const gb = await read(iconv.encode(text, 'gb18030'));
  t.equal(gb.encoding, 'GB18030');
  t.same(gb.rows.map((row) => row.values.name), CHINESE);
  const utf8 = await read(Buffer.from(text));
  t.equal(utf8.encoding, 'UTF-8');
  t.same(utf8.rows.map((row) => row.values), gb.rows.map((row) => row.values));
});

t.test('?encoding= overrides detection, accepts common spellings, and refuses names it does not support', async (t) => {
  // one short Arabic word: too little for any detector, so the uploader says which encoding it is
  const data = iconv.encode('name\r\nمحمد\r\n', 'windows-1256');
  for (const encoding of ['windows-1256', 'WINDOWS-1256', 'cp1256']) {
    const reading = await read(data, { encoding });
    t.equal(reading.encoding, 'windows-1256');
    t.equal(reading.rows[0]?.values.name, 'محمد');
  }
  t.equal((await read(iconv.encode('name\r\nRené\r\n', 'latin1'), { encoding: 'latin1' })).encoding, 'ISO-8859-1');
  await t.rejects(read(data, { encoding: 'klingon-8' }), { name: 'HttpProblem', status: 422, type: '/problems/unsupported-encoding', message: /"klingon-8" is not supported; use one of UTF-8, UTF-16LE/ });
  // naming UTF-8 for bytes that are not: refused, not mangled
  await t.rejects(read(data, { encoding: 'utf-8' }), { name: 'HttpProblem', status: 422, type: '/problems/unsupported-encoding', message: /does not read as UTF-8 text: line 2 has the character U\+FFFD.*CSV UTF-8.*\?encoding=/ });
});

t.test('bytes that are too short to tell apart are refused with the candidates named, not guessed', async (t) => {
  // these four bytes are محمد in windows-1256 and two valid characters in GB18030: both read naturally
  await t.rejects(read(iconv.encode('name\r\nمحمد\r\n', 'windows-1256')), { name: 'HttpProblem', status: 422, type: '/problems/unsupported-encoding', message: /could be either (windows-1256|GB18030) or (windows-1256|GB18030).*\?encoding=/ });
});

t.test('one-learner files in a legacy encoding: read right, or refused when the bytes are truly two names', async (t) => {
  const detected: [string, string][] = [
    ['José Núñez', 'windows-1252'], ['Ana María López', 'windows-1252'], ['Bjørn Ødegård', 'windows-1252'], ['Zoë Ménard', 'windows-1252'],
    ['محمد علي', 'windows-1256'], ['يوسف عبد الله', 'windows-1256'], ['王芳', 'GB18030'], ['张伟', 'GB18030'],
  ];
  for (const [name, encoding] of detected) {
    const reading = await read(iconv.encode(`name,email\r\n${name},x@example.org\r\n`, encoding));
    t.equal(reading.rows[0]?.values.name, name, `${name} (${encoding})`);
    t.equal(reading.encoding, encoding);
  }
  // four bytes that are سارة in windows-1256 and two common characters in GB18030; 刘洋 the other way round
  for (const [name, encoding] of [['سارة', 'windows-1256'], ['刘洋', 'GB18030']]) {
    await t.rejects(read(iconv.encode(`name,email\r\n${name},x@example.org\r\n`, encoding!)), {
      name: 'HttpProblem',
      status: 422,
      type: '/problems/unsupported-encoding',
      message: /could be either windows-1256 or GB18030/,
    });
  }
});

t.test('a legacy file whose accented names come only after thousands of ASCII rows is still recognised', async (t) => {
  const ascii = Array.from({ length: 3000 }, (_, i) => `Learner ${i};l${i}@example.org`).join('\r\n');
  const reading = await read(iconv.encode(`Nom;Courriel\r\n${ascii}\r\n${FRENCH.map((name) => `${name};f@example.fr`).join('\r\n')}\r\n`, 'windows-1252'), { maxRows: 5000 });
  t.equal(reading.encoding, 'windows-1252');
  t.same(reading.rows.slice(-3).map((row) => row.values.name), FRENCH);
});

t.test('bytes in no plausible encoding are refused with how to export UTF-8', async (t) => {
  const binary = Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x0a, 0x01, 0x02, 0x03, 0x81, 0x8d, 0x90, 0x0a]);
  await t.rejects(read(binary), {
    name: 'HttpProblem',
    status: 422,
    type: '/problems/unsupported-encoding',
    message: /Excel.*CSV UTF-8.*LibreOffice.*Unicode \(UTF-8\).*\?encoding=/,
  });
  const utf32 = Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), iconv.encode('name\n', 'utf-16le')]);
  await t.rejects(read(utf32), { name: 'HttpProblem', type: '/problems/unsupported-encoding', message: /UTF-32/ });
});

t.test('delimiters: comma, semicolon, tab, and an Excel `sep=` line, which is not a row', async (t) => {
  for (const delimiter of [',', ';', '\t']) {
    const reading = await read(Buffer.from(`name${delimiter}email${delimiter}externalId\nAda${delimiter}ada@example.org${delimiter}7\n`));
    t.same(reading.rows[0]?.values, { name: 'Ada', email: 'ada@example.org', externalId: '7' }, JSON.stringify(delimiter));
  }
  // a semicolon file whose narrative holds commas: the header decides
  const semicolons = await read(Buffer.from('nom;récit\nAda;a fait ceci, puis cela, et encore\n'));
  t.same(semicolons.rows[0]?.values, { name: 'Ada', narrative: 'a fait ceci, puis cela, et encore' });
  const sep = await read(Buffer.from('sep=;\r\nname;email\r\nAda;a@example.org\r\n'));
  t.same(sep.rows, [{ rowNumber: 2, values: { name: 'Ada', email: 'a@example.org' } }]);
  const oneColumn = await read(Buffer.from('name\nAda Lovelace\n'));
  t.same(oneColumn.rows[0]?.values, { name: 'Ada Lovelace' });
});

t.test('quoted fields hold delimiters, quotes and line breaks; row numbers are the spreadsheet\'s', async (t) => {
  const text = 'name,narrative,email\r\n"Okafor, Amina","Line one\r\nline two with ""quotes""",a@example.org\r\n\r\nBen,,  b@example.org  \r\n';
  const reading = await read(Buffer.from(text));
  t.same(reading.rows, [
    { rowNumber: 2, values: { name: 'Okafor, Amina', narrative: 'Line one\r\nline two with "quotes"', email: 'a@example.org' } },
    { rowNumber: 4, values: { name: 'Ben', email: 'b@example.org' } },
  ], 'a multi-line cell is one row, the blank row 3 is skipped but counted, cells are trimmed, empty cells absent');
  await t.rejects(read(Buffer.from('name,narrative\nAda,"never closed\nBen,x\n')), { name: 'HttpProblem', status: 422, type: '/problems/unreadable-file', message: /cannot be read as CSV.*double quotes/ });
});

t.test('headers in each language; unknown headers reported and ignored', async (t) => {
  const files: Record<string, string> = {
    en: 'Full name,Email,Course code,Language,Valid from,Valid until,Narrative,Evidence URL,Learner ID,Phone',
    fr: "Nom complet;Courriel;Code du cours;Langue;Valide à partir du;Valide jusqu'au;Récit;Lien de preuve;Matricule;Téléphone",
    ar: 'الاسم الكامل,البريد الإلكتروني,رمز المقرر,اللغة,صالح من,صالح حتى,السرد,رابط الدليل,رقم المتعلم,الهاتف',
    zh: '姓名,电子邮件,课程代码,语言,生效日期,有效期至,学习成果说明,证明链接,学号,电话',
  };
  for (const [language, header] of Object.entries(files)) {
    const delimiter = header.includes(';') ? ';' : ',';
    const row = ['X', 'x@example.org', 'genai-foundation', language, '2026-11-23', '2029-11-23', 'did', 'https://example.org/e', '42', '+20 100'];
    const reading = await read(Buffer.from(`${header}\n${row.join(delimiter)}\n`));
    t.same(
      reading.columns.map((c) => c.column),
      ['name', 'email', 'achievementId', 'language', 'validFrom', 'validUntil', 'narrative', 'evidenceUrl', 'externalId', null],
      language,
    );
    t.same(reading.unknownColumns, [header.split(delimiter).at(-1)], `${language}: the phone column is reported`);
    t.same(reading.rows[0]?.values, {
      name: 'X', email: 'x@example.org', achievementId: 'genai-foundation', language, validFrom: '2026-11-23',
      validUntil: '2029-11-23', narrative: 'did', evidenceUrl: 'https://example.org/e', externalId: '42',
    }, `${language}: the unknown column's cell is not in the row`);
  }
});

t.test('header errors: no name column, the same column twice, too many columns', async (t) => {
  await t.rejects(read(Buffer.from('email,course\na@example.org,x\n')), {
    name: 'HttpProblem',
    status: 422,
    type: '/problems/missing-column',
    errors: [{ path: 'A1' }],
    message: /has the headers "email", "course"; add a column headed one of "name".*"nom".*"الاسم".*"姓名"/,
  });
  await t.rejects(read(Buffer.from('Name,Email,Nom complet\nA,a@example.org,B\n')), { name: 'HttpProblem', status: 422, type: '/problems/duplicate-column', errors: [{ path: 'C1', message: /"Nom complet" is the name column again; column A \("Name"\)/ }] });
  await t.rejects(read(Buffer.from(`name${',x'.repeat(300)}\nA\n`)), { name: 'HttpProblem', status: 422, type: '/problems/too-many-columns' });
});

t.test('an empty file, blank lines only, and a file with only headers', async (t) => {
  await t.rejects(read(Buffer.alloc(0)), { name: 'HttpProblem', status: 422, type: '/problems/empty-file' });
  await t.rejects(read(Buffer.from('\r\n\r\n , \r\n')), { name: 'HttpProblem', status: 422, type: '/problems/empty-file' });
  await t.rejects(read(Buffer.from('name,email\r\n')), { name: 'HttpProblem', status: 422, type: '/problems/no-rows', message: /column names but no learner rows/ });
  await t.rejects(read(Buffer.from([0xef, 0xbb, 0xbf])), { name: 'HttpProblem', status: 422, type: '/problems/empty-file' });
});

t.test('more rows than the limit: 413, naming the limit; exactly the limit reads', async (t) => {
  const file = (rows: number) => Buffer.from(`name\n${Array.from({ length: rows }, (_, i) => `Learner ${i}`).join('\n')}\n`);
  t.equal((await read(file(5), { maxRows: 5 })).rows.length, 5);
  await t.rejects(read(file(6), { maxRows: 5 }), { name: 'HttpProblem', status: 413, type: '/problems/too-many-rows', message: /more than 5 learner rows \(row 7 is one too many\)/ });
});

t.test('binary and markup files are refused as not spreadsheets; a "CSV" named .xlsx is called out', async (t) => {
  const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
  await t.rejects(read(xls, { fileName: 'cohort.xls' }), { name: 'HttpProblem', status: 422, type: '/problems/unsupported-file-type', message: /Excel 97-2003 workbook \(\.xls\).*\.xlsx/ });
  await t.rejects(read(Buffer.from('%PDF-1.7\n...')), { name: 'HttpProblem', type: '/problems/unsupported-file-type', message: /PDF/ });
  await t.rejects(read(Buffer.from('<html><table><tr><td>name</td></tr></table></html>'), { fileName: 'export.xls' }), {
    name: 'HttpProblem',
    type: '/problems/unsupported-file-type',
    message: /web page or XML/,
  });
  await t.rejects(read(Buffer.from('name\nAda\n'), { fileName: 'cohort.xlsx' }), { name: 'HttpProblem', type: '/problems/unreadable-file', message: /cohort\.xlsx is sent as an Excel workbook/ });
  // a CSV named .xls by an export tool: the content decides
  t.equal((await read(Buffer.from('name\nAda\n'), { fileName: 'export.xls' })).rows[0]?.values.name, 'Ada');
});

const NARRATIVE = 'Designed a first-year lesson that uses generative AI for formative feedback, taught it to two groups, compared the results with the previous year, and wrote a reflection. '.repeat(4).trim();

t.test('10,000 rows of about 900 bytes (9 MB): read in one pass; time and memory printed', async (t) => {
  const lines = ['name,email,achievementId,language,validFrom,validUntil,narrative,evidenceUrl,externalId'];
  for (let i = 0; i < 10_000; i++) {
    const name = [ARABIC, FRENCH, CHINESE][i % 3]![i % 3];
    lines.push(`"${name} ${i}",learner${i}@example.org,genai-foundation,ar,2026-11-23,2029-11-23,"${NARRATIVE}",https://example.org/e/${i},2023${String(i).padStart(5, '0')}`);
  }
  const data = Buffer.from(lines.join('\r\n'));
  const { result: reading, summary } = await measure(() => read(data, { maxRows: 10_000 }));
  t.equal(reading.rows.length, 10_000);
  t.same(reading.rows[9_999], {
    rowNumber: 10_001,
    values: {
      name: `${ARABIC[0]} 9999`, email: 'learner9999@example.org', achievementId: 'genai-foundation', language: 'ar', validFrom: '2026-11-23',
      validUntil: '2029-11-23', narrative: NARRATIVE, evidenceUrl: 'https://example.org/e/9999', externalId: '202309999',
    },
  });
  t.comment(`10,000-row CSV of ${(data.length / 1e6).toFixed(1)} MB read in ${summary}`);
});
