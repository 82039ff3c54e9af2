/**
 * RFC 3339 date-time as the API server parses metav1.Time (Go's time.Parse with
 * RFC3339): the date must exist (no month 13, no February 30, February 29 only in
 * leap years) and hours, minutes and seconds must be in range (Go refuses second
 * 60). One regular expression, so the build-time precompiled validators embed it.
 */
const DATE =
  '(?:\\d{4}-(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])' +
  '|\\d{4}-(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)' +
  '|\\d{4}-02-(?:0[1-9]|1\\d|2[0-8])' +
  // Leap years: divisible by 4 but not by 100 (…04, …08, …96), or by 400 (…00 when the century is).
  '|(?:\\d\\d(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)';
const TIME = '(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?';
const OFFSET = '(?:[Zz]|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)';
// RFC 3339 §5.6 allows a lower-case t and z and, by note, a space for the T.
export const DATE_TIME = new RegExp(`^${DATE}[Tt ]${TIME}${OFFSET}$`);

const SHAPE = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Why a string is not a date-time the API server accepts, or undefined when it is one. */
export function dateTimeProblem(s: string): string | undefined {
  if (DATE_TIME.test(s)) return undefined;
  const m = SHAPE.exec(s);
  if (!m) return 'expected an RFC 3339 date-time such as 2024-02-29T13:45:00Z';
  const [year, month, day, hour, minute, second, offHour, offMinute] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  if (month! < 1 || month! > 12) return `month ${m[2]} does not exist (01-12)`;
  const days = daysIn(month!, year!);
  if (day! < 1 || day! > days) return `${MONTHS[month! - 1]} ${m[1]} has ${days} days, so day ${m[3]} does not exist`;
  if (hour! > 23) return `hour ${m[4]} is out of range (00-23)`;
  if (minute! > 59) return `minute ${m[5]} is out of range (00-59)`;
  if (second! > 59) return `second ${m[6]} is out of range (00-59; leap seconds are not accepted)`;
  if (offHour! > 23 || offMinute! > 59) return `time zone offset ${m[7]}:${m[8]} is out of range`;
  return 'expected an RFC 3339 date-time such as 2024-02-29T13:45:00Z';
}
