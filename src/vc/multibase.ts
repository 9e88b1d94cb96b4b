const BASE58BTC = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/**
 * Decodes base58btc (the Bitcoin alphabet, each leading '1' a zero byte), the body of a "z" multibase value;
 * undefined for an empty string or any character outside the alphabet (whitespace included). base58btc has one
 * spelling per byte string, so a value that decodes is the only encoding of its bytes.
 */
export function decodeBase58btc(text: string): Buffer | undefined {
  if (text.length === 0) return undefined;
  let value = 0n;
  for (const character of text) {
    const digit = BASE58BTC.indexOf(character);
    if (digit < 0) return undefined;
    value = value * 58n + BigInt(digit);
  }
  const hex = value === 0n ? '' : value.toString(16);
  const leadingZeros = /^1*/.exec(text)![0].length;
  return Buffer.concat([Buffer.alloc(leadingZeros), Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex')]);
}
