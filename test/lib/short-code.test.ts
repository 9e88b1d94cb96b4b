import t from 'tap';
import { generateShortCode, readShortCode } from '../../src/lib/short-code.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const FORMAT = /^[A-Z]{2}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$/;

t.test('generated codes: the country, 12 random Crockford characters in groups of four, a check character', async (t) => {
  const codes = Array.from({ length: 2000 }, () => generateShortCode('eg'));
  for (const code of codes.slice(0, 50)) t.match(code, FORMAT);
  t.equal(new Set(codes).size, codes.length, 'no repeats in 2,000 (60 random bits)');
  t.ok(codes.every((code) => code.startsWith('EG-')));
  t.ok(codes.every((code) => readShortCode(code).valid), 'every generated code reads back');
  // every character of the alphabet appears in the random part: the draw covers it
  const seen = new Set(codes.flatMap((code) => [...code.slice(3, 17).replaceAll('-', '')]));
  t.equal(seen.size, 32);
});

t.test('reading is forgiving: case, hyphens, spaces, O/0 and I/L/1', async (t) => {
  const code = generateShortCode('JO');
  const canonical = (readShortCode(code) as { code: string }).code;
  t.equal(canonical, code);
  for (const typed of [code.toLowerCase(), code.replaceAll('-', ''), code.replaceAll('-', ' '), ` ${code.replaceAll('-', ' - ')} `, code.replaceAll('-', '‐')]) {
    t.same(readShortCode(typed), { valid: true, code }, typed);
  }
  const withZeroAndOne = 'EG-0000-1111-0101-' ;
  const check = [...ALPHABET].find((character) => readShortCode(`${withZeroAndOne}${character}`).valid)!;
  t.same(readShortCode(`eg-oooo-iiii-olol-${check}`), { valid: true, code: `EG-0000-1111-0101-${check}` }, 'confusable letters read as digits');
});

t.test('every single-character error is caught by the check character', async (t) => {
  let caught = 0;
  let tried = 0;
  for (let sample = 0; sample < 40; sample++) {
    const code = generateShortCode('EG');
    const compact = code.slice(3).replaceAll('-', '');
    for (let position = 0; position < compact.length; position++) {
      for (const replacement of ALPHABET) {
        if (replacement === compact[position]) continue;
        const typo = `EG${compact.slice(0, position)}${replacement}${compact.slice(position + 1)}`;
        tried++;
        if (!readShortCode(typo).valid) caught++;
      }
    }
  }
  t.equal(caught, tried, `${caught} of ${tried} single-character errors caught`);
});

t.test('most swaps of neighbouring characters are caught', async (t) => {
  let caught = 0;
  let tried = 0;
  for (let sample = 0; sample < 200; sample++) {
    const compact = generateShortCode('EG').slice(3).replaceAll('-', '');
    for (let position = 0; position < compact.length - 1; position++) {
      if (compact[position] === compact[position + 1]) continue;
      const swapped = `EG${compact.slice(0, position)}${compact[position + 1]}${compact[position]}${compact.slice(position + 2)}`;
      tried++;
      if (!readShortCode(swapped).valid) caught++;
    }
  }
  t.ok(caught / tried > 0.95, `${caught} of ${tried} swaps caught`);
});

t.test('what is not a code says so: a format problem or a failed check', async (t) => {
  for (const input of ['', 'EG', 'EG-7K4Q-92MX-3TRA', 'EG-7K4Q-92MX-3TRA-KK', '12-7K4Q-92MX-3TRA-K', 'EG-7K4Q-92MX-3TRA-U', 'EG-7K4Q-92MX-3TR!-K', 'ÉG-7K4Q-92MX-3TRA-K']) {
    const reading = readShortCode(input);
    t.equal(reading.valid, false, input);
  }
  const code = generateShortCode('EG');
  const last = code.at(-1)!;
  const wrongCheck = `${code.slice(0, -1)}${ALPHABET[(ALPHABET.indexOf(last) + 1) % 32]}`;
  t.same(readShortCode(wrongCheck), { valid: false, reason: 'check' });
  t.same(readShortCode('EG-7K4Q-92MX-3TRA'), { valid: false, reason: 'format' });
});
