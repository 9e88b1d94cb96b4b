const BASE58BTC = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
// digit of each ASCII code, -1 outside the alphabet
const DIGITS = new Int8Array(128).fill(-1);
for (const [digit, character] of [...BASE58BTC].entries()) DIGITS[character.charCodeAt(0)] = digit;

// Both directions convert a big number between bases in limbs small enough that every step (a limb times 256 or
// 58, plus a carry) stays below 2^31, where V8 does integer arithmetic: signing and verifying a proof each convert
// a 64-byte signature, and the double-precision division of wider limbs cost as much as base58-universal.
const DIGIT_LIMB = 58 ** 3; // three digits, 195,112: times 256 stays below 2^26
const BYTES_PER_LIMB = 3; // 2^24: times 58 stays below 2^30

/** base58btc (the Bitcoin alphabet, each leading zero byte a '1'): the body of a "z" multibase value. */
export function encodeBase58btc(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  // the number in base 58^3, least significant limb first (log(256) / log(58^3) ≈ 0.456 limbs per byte); each
  // limb is written as its three digits, most significant first
  const limbs = new Int32Array(Math.ceil((bytes.length - zeros) * 0.46) + 1);
  let used = 0;
  for (let index = zeros; index < bytes.length; index++) {
    let carry = bytes[index]!;
    for (let limb = 0; limb < used; limb++) {
      const value = limbs[limb]! * 256 + carry;
      limbs[limb] = value % DIGIT_LIMB;
      carry = (value / DIGIT_LIMB) | 0;
    }
    while (carry > 0) {
      limbs[used++] = carry % DIGIT_LIMB;
      carry = (carry / DIGIT_LIMB) | 0;
    }
  }
  const digits: string[] = [];
  for (let limb = used - 1; limb >= 0; limb--) {
    const value = limbs[limb]!;
    digits.push(BASE58BTC[((value / (58 * 58)) | 0) % 58]!, BASE58BTC[((value / 58) | 0) % 58]!, BASE58BTC[value % 58]!);
  }
  // the most significant limb's unused digits are zeros ('1'), which are not part of the number
  let start = 0;
  while (start < digits.length && digits[start] === '1') start++;
  return '1'.repeat(zeros) + digits.slice(start).join('');
}

/**
 * The longest base58btc text decoded, 256 characters (187 bytes). What the service decodes is short (a signature
 * is 88 characters, a key 48, a SHA-512 multihash 91); the conversion takes time quadratic in the length, so a
 * longer text from a stranger is refused, not decoded.
 */
export const BASE58BTC_DECODED_LENGTH_LIMIT = 256;

/**
 * Decodes base58btc; undefined for an empty string, any character outside the alphabet (whitespace included), or a
 * text longer than BASE58BTC_DECODED_LENGTH_LIMIT. base58btc has one spelling per byte string, so a value that
 * decodes is the only encoding of its bytes.
 */
export function decodeBase58btc(text: string): Buffer | undefined {
  if (text.length === 0 || text.length > BASE58BTC_DECODED_LENGTH_LIMIT) return undefined;
  let zeros = 0;
  while (zeros < text.length && text[zeros] === '1') zeros++;
  // the number in base 2^24, least significant limb first
  const limbs: number[] = [];
  for (let index = zeros; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const digit = code < 128 ? DIGITS[code]! : -1;
    if (digit < 0) return undefined;
    let carry = digit;
    for (let limb = 0; limb < limbs.length; limb++) {
      const value = limbs[limb]! * 58 + carry;
      limbs[limb] = value & 0xffffff;
      carry = value >>> 24;
    }
    if (carry > 0) limbs.push(carry);
  }
  const bytes: number[] = [];
  for (const limb of limbs) for (let shift = 0; shift < 8 * BYTES_PER_LIMB; shift += 8) bytes.push((limb >>> shift) & 0xff);
  while (bytes.length > 0 && bytes[bytes.length - 1] === 0) bytes.pop();
  return Buffer.concat([Buffer.alloc(zeros), Buffer.from(bytes.reverse())]);
}
