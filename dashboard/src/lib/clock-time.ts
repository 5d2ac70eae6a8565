// Times of day typed as 24-hour clock text ("21:30"): the schedule editor uses a text field, not the
// browser's time input, whose AM/PM follows the browser's locale. Forgiving in what it reads
// ("7", "7:5" is not, "0730", "7.30", "07h30"), strict in what it gives: "HH:MM" or null.

const FORMS = [
  /^(\d{1,2})$/, // "7" → 07:00
  /^(\d{1,2})[:.h](\d{2})$/, // "7:30", "07.30", "7h30"
  /^(\d{2})(\d{2})$/, // "0730"
  /^(\d)(\d{2})$/, // "730"
];

/** The "HH:MM" a person meant, or null when the text is not a 24-hour time of day. */
export function parseClockTime(text: string): string | null {
  const t = text.trim().toLowerCase();
  for (const re of FORMS) {
    const m = re.exec(t);
    if (!m) continue;
    const h = Number(m[1]);
    const min = m[2] === undefined ? 0 : Number(m[2]);
    if (h > 23 || min > 59) return null;
    return `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
  }
  return null;
}
