import { describe, expect, it } from 'vitest';
import { furthest } from './commands.ts';

describe('merging reports of one command', () => {
  it.each([
    { a: undefined, b: 'sent', out: 'sent' },
    { a: 'sent', b: undefined, out: 'sent' },
    { a: 'sent', b: 'queued', out: 'sent' },
    { a: 'delivered', b: 'accepted', out: 'accepted' },
    { a: 'accepted', b: 'done', out: 'done' },
    { a: 'done', b: 'failed', out: 'done' },
    { a: 'expired', b: 'done', out: 'expired' },
  ] as const)('$a then $b gives $out', ({ a, b, out }) => {
    expect(furthest(a, b)).toBe(out);
  });
});
