const BASE58BTC = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const DIGITS = new Map([...BASE58BTC].map((character, digit) => [character, digit]));

// Both directions convert a big number between bases in wide limbs, kept below 2^53 through every step (a limb
// below 2^32 times 256 or 58, plus a carry): signing and verifying a proof each convert a 64-byte signature, and the
// byte-at-a-time loop of base58-universal (or BigInt arithmetic) cost a tenth of a compiled signature.
const DIGITS_PER_LIMB = 5;
const DIGIT_LIMB = 58 ** DIGITS_PER_LIMB; // < 2^30
const BYTE_LIMB = 2 ** 32;

/** base58btc (the Bitcoin alphabet, each leading zero byte a '1'): the body of a "z" multibase value. */
export function encodeBase58btc(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  // the number in base 58^5, least significant limb first
  const limbs: number[] = [];
  for (let index = zeros; index < bytes.length; index++) {
    let carry = bytes[index]!;
    for (let limb = 0; limb < limbs.length; limb++) {
      const value = limbs[limb]! * 256 + carry;
      limbs[limb] = value % DIGIT_LIMB;
      carry = Math.floor(value / DIGIT_LIMB);
    }
    if (carry > 0) limbs.push(carry);
  }
  const digits: string[] = [];
  for (const limb of limbs) {
    let value = limb;
    for (let digit = 0; digit < DIGITS_PER_LIMB; digit++) {
      digits.push(BASE58BTC[value % 58]!);
      value = Math.floor(value / 58);
    }
  }
  // the most significant limb's unused digits are zeros ('1'), which are not part of the number
  while (digits.length > 0 && digits[digits.length - 1] === '1') digits.pop();
  return '1'.repeat(zeros) + digits.reverse().join('');
}

/**
 * Decodes base58btc; undefined for an empty string or any character outside the alphabet (whitespace included).
 * base58btc has one spelling per byte string, so a value that decodes is the only encoding of its bytes.
 */
export function decodeBase58btc(text: string): Buffer | undefined {
  if (text.length === 0) return undefined;
  let zeros = 0;
  while (zeros < text.length && text[zeros] === '1') zeros++;
  // the number in base 2^32, least significant limb first
  const limbs: number[] = [];
  for (let index = zeros; index < text.length; index++) {
    const digit = DIGITS.get(text[index]!);
    if (digit === undefined) return undefined;
    let carry = digit;
    for (let limb = 0; limb < limbs.length; limb++) {
      const value = limbs[limb]! * 58 + carry;
      limbs[limb] = value % BYTE_LIMB;
      carry = Math.floor(value / BYTE_LIMB);
    }
    if (carry > 0) limbs.push(carry);
  }
  const bytes: number[] = [];
  for (const limb of limbs) bytes.push(limb & 0xff, (limb >>> 8) & 0xff, (limb >>> 16) & 0xff, limb >>> 24);
  while (bytes.length > 0 && bytes[bytes.length - 1] === 0) bytes.pop();
  return Buffer.concat([Buffer.alloc(zeros), Buffer.from(bytes.reverse())]);
}
