/**
 * Reads the time cell of a series row as a number that orders rows: either a plain
 * decimal number (seconds, steps — any unit) or an ISO 8601 date or date-time, which
 * becomes milliseconds since 1970 UTC.
 *
 * Written by hand rather than with Date.parse because Date.parse also accepts non-ISO
 * text ("Jan 2 2010"), silently rolls impossible dates over ("2010-02-30" is 2 March in
 * some engines) and reads a date-time without an offset in the machine's time zone, where
 * the hour skipped at a daylight-saving change would make hourly rows collide. A date-time
 * without an offset is read as UTC here: only the order matters.
 */
export function parseSeriesTime(text: string): number | undefined {
  if (decimalNumber.test(text)) return Number(text);
  const match = isoDateTime.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', offset] = match;
  const yearValue = Number(year);
  const monthValue = Number(month);
  const dayValue = Number(day);
  if (monthValue < 1 || monthValue > 12) return undefined;
  if (dayValue < 1 || dayValue > daysInMonth(yearValue, monthValue)) return undefined;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  const offsetMinutes = parseOffsetMinutes(offset);
  if (offsetMinutes === undefined) return undefined;
  const milliseconds = fraction === '' ? 0 : Number(`0.${fraction}`) * 1000;
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(yearValue, monthValue - 1, dayValue);
  date.setUTCHours(Number(hour), Number(minute), Number(second));
  return date.getTime() + milliseconds - offsetMinutes * 60_000;
}

/** Plain decimal notation only: Number() would also take "0x1A", "Infinity" and " " (as 0). */
export const decimalNumber = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

// YYYY-MM-DD, optionally followed by T (or a space) hh:mm[:ss[.fff]] and Z or ±hh[:]mm.
const isoDateTime = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function parseOffsetMinutes(offset: string | undefined): number | undefined {
  if (offset === undefined || offset === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}

function daysInMonth(year: number, month: number): number {
  const leapYear = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 ? (leapYear ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}
