import { decode as referenceDecode, encode as referenceEncode } from 'base58-universal';
import fc from 'fast-check';
import t from 'tap';
import { BASE58BTC_DECODED_LENGTH_LIMIT, decodeBase58btc, encodeBase58btc } from '../../src/vc/multibase.js';

// The service's base58btc against base58-universal (the encoder @digitalbazaar's libraries use): the same text for
// every byte string, leading zero bytes and the 64-byte signatures of proofs included, and back.

const RUNS = Number(process.env.FAST_PATH_RUNS ?? 10_000);
const bytesWithZeros = fc
  .tuple(fc.integer({ min: 0, max: 4 }), fc.uint8Array({ minLength: 0, maxLength: 80 }))
  .map(([zeros, rest]) => Uint8Array.from([...new Uint8Array(zeros), ...rest]));

t.test('encodes every byte string as base58-universal does, and decodes it back', async (t) => {
  fc.assert(
    fc.property(fc.oneof(bytesWithZeros, fc.uint8Array({ minLength: 64, maxLength: 64 })), (bytes) => {
      const text = encodeBase58btc(bytes);
      if (text !== referenceEncode(bytes)) throw new Error(`encoding differs for ${Buffer.from(bytes).toString('hex')}`);
      if (bytes.length > 0 && !Buffer.from(bytes).equals(decodeBase58btc(text)!)) throw new Error(`round trip differs for ${text}`);
    }),
    { numRuns: RUNS },
  );
  t.equal(encodeBase58btc(new Uint8Array()), '');
  t.equal(encodeBase58btc(Uint8Array.from([0, 0, 1])), '112');
  t.equal(encodeBase58btc(Buffer.from('Hello World!')), '2NEpo7TZRRrLZSi2U', 'the draft-msporny-base58 example');
  t.same([...decodeBase58btc('2NEpo7TZRRrLZSi2U')!], [...Buffer.from('Hello World!')]);
});

t.test('decodes every base58btc text as base58-universal does', async (t) => {
  const base58Text = fc.string({ unit: fc.constantFrom(...'123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'), minLength: 1, maxLength: 100 });
  fc.assert(
    fc.property(base58Text, (text) => {
      const decoded = decodeBase58btc(text);
      if (!decoded || !decoded.equals(Buffer.from(referenceDecode(text)))) throw new Error(`decoding differs for ${text}`);
    }),
    { numRuns: RUNS },
  );
  t.same([...decodeBase58btc('111')!], [0, 0, 0], 'each leading 1 is a zero byte');
});

t.test('refuses what is not base58btc', async (t) => {
  for (const text of ['', '0', 'O', 'I', 'l', 'abc def', 'abc\n', '+/=', 'z\u{1F600}', '\uD800']) {
    t.equal(decodeBase58btc(text), undefined, JSON.stringify(text));
  }
  // decoding takes time quadratic in the length: what the service decodes is far shorter than the limit
  t.equal(decodeBase58btc('2'.repeat(BASE58BTC_DECODED_LENGTH_LIMIT))?.length, 187, 'the longest text decoded');
  t.equal(decodeBase58btc('2'.repeat(BASE58BTC_DECODED_LENGTH_LIMIT + 1)), undefined, 'one character more is refused');
  t.equal(decodeBase58btc('2'.repeat(1_000_000)), undefined, 'a megabyte of digits is refused');
});
