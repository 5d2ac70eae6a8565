import { describe, expect, it } from 'vitest';
import { isSafeLabel, isSafeNote, labelSchema } from './safe-text.ts';

describe('safe text (ASVS 5.1.3, 5.1.4)', () => {
  it.each([
    ['NUL', 'lamp\u0000one', false, false],
    ['escape sequence', 'lamp\u001b[31m', false, false],
    ['C1 control', 'lamp\u0085', false, false],
    ['right-to-left override', 'report\u202Etxt.exe', false, false],
    ['bidi isolate', 'a\u2067b', false, false],
    ['right-to-left mark', 'a\u200Fb', false, false],
    ['line separator', 'a\u2028b', false, false],
    ['lone high surrogate', 'a\uD800b', false, false],
    ['lone low surrogate', 'a\uDC00', false, false],
    ['line feed', 'first\nsecond', false, true],
    ['tab', 'a\tb', false, true],
    ['accents and scripts', 'Zoë – Ωμέγα – 東京 – مرحبا', true, true],
    ['paired surrogates (emoji)', 'lamp 💡', true, true],
  ])('%s: label %s, note %s', (_name, text, label, note) => {
    expect(isSafeLabel(text)).toBe(label);
    expect(isSafeNote(text)).toBe(note);
  });

  it('the schema trims, bounds and refuses', () => {
    expect(labelSchema(1, 10).parse('  ok  ')).toBe('ok');
    expect(labelSchema(1, 10).safeParse('a\u202Eb').success).toBe(false);
    expect(labelSchema(1, 3).safeParse('long').success).toBe(false);
  });
});
