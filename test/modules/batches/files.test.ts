import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import t from 'tap';
import { FORBIDDEN_IN_NAMES } from '../../../src/modules/credentials/schemas.js';
import { build, demoToken } from '../../helper.js';
import { fileUpload, waitForBatch } from '../../support/batches.js';

// Real spreadsheet files through POST /api/v1/batches: a workbook made with exceljs, CSV in windows-1256 and in
// UTF-16LE with tabs, a legacy encoding named by ?encoding=; headers in French, Arabic and Chinese. What counts is
// what the learner gets: the name inside the signed credential (credentialSubject.identifier), letter for letter.

const testApp = await build(t);
const { app } = testApp;
const auth = { authorization: `Bearer ${await demoToken(testApp, 'credentials:issue credentials:read')}` };

const ARABIC = 'نور الهدى عبد الرحمن';
const FRENCH = 'Françoise Lefèvre-Nœl';
const CHINESE = '欧阳娜娜';

interface Uploaded {
  report: { format: string; encoding: string | null; totalRows: number; toIssue: number; unknownColumns: string[]; issues: unknown[] };
  /** the signed credentials, in row order */
  credentials: { identifier: { identityHash: string; identityType: string }[]; validUntil?: string; language: string }[];
}

/** Uploads the file for real, waits for the batch, and reads every credential it issued as the world sees it. */
async function issueFile(fileName: string, data: Buffer, { query = '', contentType = 'text/csv' } = {}): Promise<Uploaded> {
  const response = await app.inject({ method: 'POST', url: `/api/v1/batches${query}`, ...fileUpload(auth, fileName, data, contentType) });
  if (response.statusCode !== 202) throw new Error(`upload of ${fileName}: ${response.statusCode} ${response.body}`);
  const { batchId, report } = response.json();
  const batch = await waitForBatch(app, auth, batchId);
  if (batch.state !== 'completed') throw new Error(`batch of ${fileName} ended ${batch.state}: ${JSON.stringify(batch.totals)}`);
  const results = (await app.inject({ method: 'GET', url: `/api/v1/batches/${batchId}/results?format=json`, headers: auth })).json().items as { credentialId: string }[];
  const credentials = [];
  for (const { credentialId } of results) {
    const document = (await app.inject({ method: 'GET', url: `/credentials/${credentialId}`, headers: { accept: 'application/json' } })).json();
    credentials.push({
      identifier: document.credentialSubject.identifier,
      validUntil: document.validUntil,
      language: document.credentialSubject.achievement.inLanguage,
    });
  }
  return { report, credentials };
}

const namesIn = (uploaded: Uploaded) => uploaded.credentials.map((credential) => credential.identifier[0]!.identityHash);

t.test('an XLSX workbook with Chinese headers, a date cell, a numeric learner id and an unknown column', async (t) => {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('学员');
  sheet.addRow(['姓名', '电子邮件', '课程代码', '学号', '有效期至', '备注']);
  sheet.addRow([ARABIC, 'nour@example.eg', 'GENAI-FOUNDATION', 3001, new Date(Date.UTC(2031, 5, 30)), '优秀']);
  sheet.addRow([FRENCH, 'francoise@example.fr', 'genai-foundation', 3002, new Date(Date.UTC(2031, 5, 30)), '']);
  sheet.addRow([CHINESE, 'nana@example.cn', 'genai-foundation', 3003, new Date(Date.UTC(2031, 5, 30)), '良好']);
  sheet.getColumn(5).numFmt = 'yyyy-mm-dd';
  const data = Buffer.from(await book.xlsx.writeBuffer());

  const uploaded = await issueFile('学员名单.xlsx', data, { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  t.equal(uploaded.report.format, 'xlsx');
  t.equal(uploaded.report.encoding, null, 'a workbook has no text encoding to report');
  t.same(uploaded.report.unknownColumns, ['备注'], 'the column no one asked for is reported');
  t.same(uploaded.report.issues, []);
  t.same(namesIn(uploaded), [ARABIC, FRENCH, CHINESE], 'every name arrives intact in its signed credential');
  for (const credential of uploaded.credentials) {
    t.same(credential.identifier[0], { type: 'IdentityObject', identityHash: credential.identifier[0]!.identityHash, identityType: 'name', hashed: false });
    t.equal(credential.validUntil, '2031-06-30T00:00:00Z', 'the date cell is the start of that day in UTC');
  }
});

t.test('a CSV in windows-1256 (Arabic Excel) with Arabic headers and semicolons', async (t) => {
  const text = `الاسم الكامل;البريد الإلكتروني;رمز المقرر;رقم المتعلم;ملاحظات\r\n${ARABIC};nour@example.eg;genai-foundation;1256-1;ممتاز\r\n${FRENCH};francoise@example.fr;genai-foundation;1256-2;\r\n`;
  const data = iconv.encode(text, 'windows-1256');
  t.equal(iconv.decode(data, 'windows-1256'), text, 'the test file holds what it means to (windows-1256 has œ and the French accents)');
  const uploaded = await issueFile('cohort.csv', data);
  t.equal(uploaded.report.encoding, 'windows-1256', 'detected');
  t.same(uploaded.report.unknownColumns, ['ملاحظات']);
  t.same(namesIn(uploaded), [ARABIC, FRENCH]);
});

t.test('UTF-16LE text with tabs (Excel "Unicode text") and French headers', async (t) => {
  const text = `Nom complet\tCourriel\tCode du cours\tMatricule\tLangue\tDate de fin\r\n${ARABIC}\tnour@example.eg\tgenai-foundation\t16-1\tArabe\t2031-01-15\r\n${FRENCH}\tfrancoise@example.fr\tgenai-foundation\t16-2\tFrançais\t2031-01-15\r\n${CHINESE}\t\tgenai-foundation\t16-3\t中文\t2031-01-15\r\n`;
  const withBom = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]);
  const uploaded = await issueFile('cohort.txt', withBom, { contentType: 'text/plain' });
  t.equal(uploaded.report.encoding, 'UTF-16LE');
  t.same(uploaded.report.unknownColumns, []);
  t.same(namesIn(uploaded), [ARABIC, FRENCH, CHINESE]);
  t.same(uploaded.credentials.map((credential) => credential.language), ['ar', 'fr', 'zh'], 'language names in the file choose each credential\'s language');

  // the same text without its byte-order mark: recognised by its NUL bytes (a dry run: these learners are issued)
  const bare = await app.inject({ method: 'POST', url: '/api/v1/batches?dryRun=true', ...fileUpload(auth, 'cohort.txt', iconv.encode(text, 'utf-16le')) });
  t.equal(bare.statusCode, 200, bare.body);
  t.equal(bare.json().report.encoding, 'UTF-16LE');
  t.equal(bare.json().report.alreadyIssued, 3, 'and read as the same learners');
});

t.test('?encoding= names an encoding detection does not choose (ISO-8859-6 Arabic), and is honoured', async (t) => {
  const text = `name,email,achievementId,externalId\r\nأمينة السيد,amina@example.eg,genai-foundation,8859-1\r\n`;
  const data = iconv.encode(text, 'iso-8859-6');
  t.equal(iconv.decode(data, 'iso-8859-6'), text, 'the test file holds what it means to');
  const guessed = await app.inject({ method: 'POST', url: '/api/v1/batches?dryRun=true', ...fileUpload(auth, 'cohort.csv', data) });
  t.equal(guessed.statusCode, 422, 'detection alone does not guess it (rather than read it wrong)');
  t.match(guessed.json(), { type: /\/problems\/unsupported-encoding$/, detail: /CSV UTF-8[\s\S]*\?encoding=/ }, 'and says how to export UTF-8 or name the encoding');

  const uploaded = await issueFile('cohort.csv', data, { query: '?encoding=iso-8859-6' });
  t.equal(uploaded.report.encoding, 'ISO-8859-6', 'the override is reported');
  t.same(namesIn(uploaded), ['أمينة السيد'], 'and the name arrives intact');
});

t.test('an encoding that is not supported is a 422 listing those that are; nothing is created', async (t) => {
  const before = (await app.inject({ method: 'GET', url: '/api/v1/batches?limit=100', headers: auth })).json().items.length;
  const response = await app.inject({ method: 'POST', url: '/api/v1/batches?encoding=ebcdic', ...fileUpload(auth, 'cohort.csv', 'name\r\nX\r\n') });
  t.equal(response.statusCode, 422);
  t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
  t.match(response.json(), { type: /\/problems\/unsupported-encoding$/, detail: /ebcdic/ });
  t.ok(response.json().supportedEncodings.includes('windows-1256'), 'the problem lists the supported encodings');
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/batches?limit=100', headers: auth })).json().items.length, before);
});

t.test('the committed fixture files, as spreadsheet programs save them, read as the same three learners', async (t) => {
  const fixtures = new URL('../../fixtures/batches/', import.meta.url);
  const expected = {
    'cohort-utf8-bom.csv': { encoding: 'UTF-8', rows: 3, unknownColumns: [] },
    'cohort-unicode-text.txt': { encoding: 'UTF-16LE', rows: 3, unknownColumns: [] },
    'cohort-ar-windows-1256.csv': { encoding: 'windows-1256', rows: 1, unknownColumns: [] },
    'cohort-fr-windows-1252.csv': { encoding: 'windows-1252', rows: 1, unknownColumns: [] },
    'cohort-zh-gb18030.csv': { encoding: 'GB18030', rows: 1, unknownColumns: [] },
    'cohort.xlsx': { encoding: null, rows: 3, unknownColumns: ['Phone'] },
  };
  for (const [name, want] of Object.entries(expected)) {
    const response = await app.inject({ method: 'POST', url: '/api/v1/batches?dryRun=true', ...fileUpload(auth, name, await readFile(new URL(name, fixtures))) });
    t.equal(response.statusCode, 200, `${name}: ${response.body.slice(0, 300)}`);
    const { report } = response.json();
    t.same(
      { encoding: report.encoding, totalRows: report.totalRows, toIssue: report.toIssue, unknownColumns: report.unknownColumns, issues: report.issues },
      { encoding: want.encoding, totalRows: want.rows, toIssue: want.rows, unknownColumns: want.unknownColumns, issues: [] },
      name,
    );
  }
});

t.test('file names as uploaders\' systems send them: kept printable and bounded, never a failure', async (t) => {
  const names = [
    ['cohort\u0000.csv', 'cohort.csv'],
    ['\u202Ecohort-xslx.csv', 'cohort-xslx.csv'],
    ['دفعة ٢٠٢٦ (نهائي).csv', 'دفعة ٢٠٢٦ (نهائي).csv'],
    [`${'名'.repeat(300)}.csv`, '名'.repeat(255)],
  ];
  for (const [i, [sent, kept]] of names.entries()) {
    const response = await app.inject({ method: 'POST', url: '/api/v1/batches', ...fileUpload(auth, sent!, `name,course,externalId\r\nFile Name ${i},genai-foundation,FN-${i}\r\n`) });
    t.equal(response.statusCode, 202, response.body);
    const batch = await waitForBatch(app, auth, response.json().batchId);
    t.equal(batch.fileName, kept, JSON.stringify(sent).slice(0, 40));
    t.equal(batch.state, 'completed');
  }
});

t.test('any file name a client can send: a batch with a printable, bounded name, or a 400 problem; never a failure', async (t) => {
  // Quotes, backslashes, semicolons, line breaks, NUL, text-direction marks, every plane of Unicode, long runs.
  const hostile = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.string({ unit: fc.constantFrom('"', '\\', ';', '\r', '\n', '\u0000', '\u202E', '\u2066', '%', '/', '..', 'é', 'ع', '名', '😀'), maxLength: 40 }),
  );
  let n = 0;
  await fc.assert(
    fc.asyncProperty(hostile, async (fileName) => {
      n++;
      const response = await app.inject({ method: 'POST', url: '/api/v1/batches', ...fileUpload(auth, fileName, `name,course,externalId\r\nFuzzed Name ${n},genai-foundation,FZ-${n}\r\n`) });
      if (response.statusCode !== 202) {
        t.equal(response.statusCode, 400, `${JSON.stringify(fileName).slice(0, 60)}: ${response.body.slice(0, 200)}`);
        t.match(response.headers['content-type'], /^application\/problem\+json/);
        return;
      }
      const batch = await waitForBatch(app, auth, response.json().batchId);
      t.equal(batch.state, 'completed');
      const kept = batch.fileName as string | null;
      t.ok(kept === null || (Array.from(kept).length <= 255 && !FORBIDDEN_IN_NAMES.test(kept)), `kept printable: ${JSON.stringify(kept).slice(0, 60)}`);
    }),
    { numRuns: 40 },
  );
});
