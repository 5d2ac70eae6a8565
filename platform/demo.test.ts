import { describe, expect, it } from 'vitest';
import { demoAccountLines, type DemoAccount } from './demo.ts';

const created: DemoAccount[] = [
  { username: 'platform-admin', password: 'Xq7-generated-password-1', role: 'platform-admin', tenantId: null },
  { username: 'care-operator', password: 'Zr4-generated-password-2', role: 'operator', tenantId: 'care-demo' },
];
const FILE = 'data/demo-credentials.txt';

describe('start banner', () => {
  it('prints no password when stdout is not a terminal, only the usernames and the credentials file (ASVS 7.1.1, 2.1.1)', () => {
    const text = demoAccountLines(created, FILE, false).join('\n');
    for (const a of created) {
      expect(text).not.toContain(a.password);
      expect(text).toContain(a.username);
    }
    expect(text).toContain(FILE);
  });

  it('shows the passwords once on an interactive terminal', () => {
    const text = demoAccountLines(created, FILE, true).join('\n');
    for (const a of created) expect(text).toContain(a.password);
  });

  it('says nothing on a restart (no account created)', () => {
    expect(demoAccountLines([], FILE, true)).toEqual([]);
  });
});
