import { randomInt } from 'node:crypto';

/**
 * Short, typable credential codes such as `EG-7K4Q-92MX-3TRA-K`: the centre's ISO 3166-1 country code, 12 random
 * Crockford base32 characters (60 bits: codes can be neither guessed nor enumerated) in groups of four, and one
 * check character from the same alphabet. Reading is forgiving: any case, hyphens and spaces ignored, and the
 * characters people confuse (O for 0, I and L for 1) read as the digit.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_LENGTH = 12;
const VALUE = new Map([...ALPHABET].map((character, index) => [character, index]));
const ALIASES: Record<string, string> = { O: '0', I: '1', L: '1' };

/**
 * Luhn mod 32 over the random characters: catches every single-character error and every swap of two
 * neighbouring characters (except the rare pairs whose values differ by exactly 16 at a doubled position).
 */
function checkCharacter(characters: string): string {
  let sum = 0;
  let double = true;
  for (let index = characters.length - 1; index >= 0; index--) {
    let value = VALUE.get(characters[index]!)!;
    if (double) {
      value *= 2;
      value = Math.floor(value / 32) + (value % 32);
    }
    sum += value;
    double = !double;
  }
  return ALPHABET[(32 - (sum % 32)) % 32]!;
}

/** A new code for a credential of a centre in `countryCode` (two letters). */
export function generateShortCode(countryCode: string): string {
  const random = Array.from({ length: RANDOM_LENGTH }, () => ALPHABET[randomInt(32)]).join('');
  return `${countryCode.toUpperCase()}-${random.slice(0, 4)}-${random.slice(4, 8)}-${random.slice(8, 12)}-${checkCharacter(random)}`;
}

export type ShortCodeReading = { valid: true; code: string } | { valid: false; reason: 'format' | 'check' };

/** Reads a code as a person typed it; the canonical form, or why it cannot be one. */
export function readShortCode(input: string): ShortCodeReading {
  const compact = input.toUpperCase().replace(/[\s\-‐-―]/g, '');
  const country = compact.slice(0, 2);
  const rest = [...compact.slice(2)].map((character) => ALIASES[character] ?? character).join('');
  if (!/^[A-Z]{2}$/.test(country) || rest.length !== RANDOM_LENGTH + 1 || ![...rest].every((character) => VALUE.has(character))) {
    return { valid: false, reason: 'format' };
  }
  const random = rest.slice(0, RANDOM_LENGTH);
  if (checkCharacter(random) !== rest[RANDOM_LENGTH]) return { valid: false, reason: 'check' };
  return { valid: true, code: `${country}-${random.slice(0, 4)}-${random.slice(4, 8)}-${random.slice(8, 12)}-${rest[RANDOM_LENGTH]}` };
}
