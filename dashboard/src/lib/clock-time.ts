// The one reader of 24-hour clock text ("21:30"), in two strengths built on one parser:
// - forgiving, for what a person types in the schedule editor's text field (not the browser's time
//   input, whose AM/PM follows the browser's locale): "7", "0730", "730", "7.30", "07h30", spaces
//   around ("7:5" is not read);
// - strict, for the custom period's date-and-time inputs, which give exactly "HH:MM".
// Both refuse hours over 23 and minutes over 59, and give "HH:MM" or null.

export interface ClockTime {
  hour: number;
  minute: number;
}

const STRICT = [/^(\d{2}):(\d{2})$/];
const FORGIVING = [
  /^(\d{1,2})$/, // "7" → 07:00
  /^(\d{1,2})[:.h](\d{2})$/, // "7:30", "07.30", "7h30"
  /^(\d{2})(\d{2})$/, // "0730"
  /^(\d)(\d{2})$/, // "730"
];

/** The hour and minute the text names, or null when it is not a 24-hour time of day. */
export function readClockTime(text: string, { strict = false }: { strict?: boolean } = {}): ClockTime | null {
  const t = strict ? text : text.trim().toLowerCase();
  for (const re of strict ? STRICT : FORGIVING) {
    const m = re.exec(t);
    if (!m) continue;
    const hour = Number(m[1]);
    const minute = m[2] === undefined ? 0 : Number(m[2]);
    return hour > 23 || minute > 59 ? null : { hour, minute };
  }
  return null;
}

export const formatClockTime = ({ hour, minute }: ClockTime): string =>
  `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;

/** The "HH:MM" a person meant, or null when the text is not a 24-hour time of day (forgiving). */
export function parseClockTime(text: string): string | null {
  const c = readClockTime(text);
  return c && formatClockTime(c);
}
