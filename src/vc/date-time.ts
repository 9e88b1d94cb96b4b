// The one reader of date-times with a time zone. VC Data Model 2.0 dates are XML Schema dateTimeStamps; the Open
// Badges 3.0 JSON Schema checks the JSON Schema "date-time" format, i.e. RFC 3339, the same grammar without the
// extended years (five digits and more, negative) and without 24:00:00. Both are read here.

// XML Schema 1.1 dateTimeStamp: dateTime with a mandatory timezone (the regex the spec reproduces
// under "Representing Time", anchored here).
const DATE_TIME_STAMP =
  /^(-?(?:[1-9][0-9]{3,}|0[0-9]{3}))-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T(?:([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])(?:\.([0-9]+))?|(24):(00):(00)(?:\.(0+))?)(Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))$/;

export type Instant = { seconds: bigint; fraction: string };

/** Parses a dateTimeStamp into an instant, or returns the reason it is not one. */
export function parseDateTimeStamp(value: string): Instant | string {
  const m = DATE_TIME_STAMP.exec(value);
  if (!m) {
    if (DATE_TIME_STAMP.test(`${value}Z`)) {
      return 'has no timezone; add "Z" for UTC or an offset like "+01:00" (an XML Schema dateTimeStamp, e.g. "2025-01-01T00:00:00Z").';
    }
    return 'is not an XML Schema dateTimeStamp; use the form YYYY-MM-DDThh:mm:ss with "Z" or an offset like "+01:00" (e.g. "2025-01-01T00:00:00Z").';
  }
  const year = BigInt(m[1]!);
  const month = Number(m[2]);
  const day = Number(m[3]);
  // The regex allows day 31 in every month; XML Schema's value space does not.
  if (day > daysInMonth(year, month)) return 'is not a real calendar date; check the day of the month.';
  const hour = BigInt(m[4] ?? m[8]!);
  const minute = BigInt(m[5] ?? m[9]!);
  const second = BigInt(m[6] ?? m[10]!);
  const fraction = (m[7] ?? m[11] ?? '').replace(/0+$/, '');
  const zone = m[12]!;
  const offset = zone === 'Z' ? 0n : (zone[0] === '-' ? -1n : 1n) * (BigInt(zone.slice(1, 3)) * 60n + BigInt(zone.slice(4, 6)));
  const days = daysFromCivil(year, BigInt(month), BigInt(day));
  return { seconds: days * 86400n + hour * 3600n + (minute - offset) * 60n + second, fraction };
}

export function compareInstants(a: Instant, b: Instant): number {
  if (a.seconds !== b.seconds) return a.seconds < b.seconds ? -1 : 1;
  const width = Math.max(a.fraction.length, b.fraction.length);
  const fa = a.fraction.padEnd(width, '0');
  const fb = b.fraction.padEnd(width, '0');
  return fa === fb ? 0 : fa < fb ? -1 : 1;
}

function daysInMonth(year: bigint, month: number): number {
  if (month === 2) {
    // XML Schema 1.1 uses the proleptic Gregorian calendar with a year 0.
    const leap = year % 4n === 0n && (year % 100n !== 0n || year % 400n === 0n);
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's days_from_civil), in BigInt
// so that years beyond Date's range still compare correctly.
function daysFromCivil(y: bigint, m: bigint, d: bigint): bigint {
  const year = m <= 2n ? y - 1n : y;
  const era = floorDiv(year, 400n);
  const yoe = year - era * 400n;
  const mp = (m + 9n) % 12n;
  const doy = (153n * mp + 2n) / 5n + d - 1n;
  const doe = yoe * 365n + yoe / 4n - yoe / 100n + doy;
  return era * 146097n + doe - 719468n;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/**
 * An RFC 3339 date-time (the JSON Schema "date-time" format the OB 3.0 schema applies to DateTimeZ): a real
 * dateTimeStamp with a four-digit year and an hour below 24, e.g. 2024-05-01T09:30:00Z or 2021-09-07T02:09:59+02:00.
 */
export function isRfc3339DateTime(value: string): boolean {
  return /^\d{4}-/.test(value) && !/T24:/.test(value) && typeof parseDateTimeStamp(value) !== 'string';
}
