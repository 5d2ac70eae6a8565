// `npm run agreement:verify` on an exported agreement: run as a process, as a reader would.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signedExport } from '../validation/support/signed-agreement.ts';
import { parseFlags } from './agreement-verify.ts';

const dir = mkdtempSync(join(tmpdir(), 'agreement-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const root = join(import.meta.dirname, '..');

function run(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/agreement-verify.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('npm run agreement:verify', () => {
  it('refuses bad flags before reading anything', () => {
    expect(() => parseFlags([])).toThrow(/exactly one/);
    expect(() => parseFlags(['a.json', 'b.json'])).toThrow(/exactly one/);
    expect(() => parseFlags(['a.json', '--nope'])).toThrow();
    expect(parseFlags(['a.json', '--json'])).toMatchObject({ file: 'a.json', json: true });
  });

  it('accepts a fully signed export (exit 0) and fails a tampered one (exit 1), naming the broken signatures (GDPR art. 28(3))', { timeout: 120_000 }, () => {
    const { exp, platformPem } = signedExport();
    const good = join(dir, 'good.json');
    const pinned = join(dir, 'platform.pub.pem');
    writeFileSync(good, JSON.stringify(exp));
    writeFileSync(pinned, platformPem);
    const ok = run(good, '--platform-key', pinned);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/^ok {4}provider signature by user:tenant-a-dpo/m);
    expect(ok.out).toMatch(/VALID: fully signed, in force/);

    const tampered = structuredClone(exp) as typeof exp & { document: { obligations: { minGroupSize: number } } };
    tampered.document.obligations.minGroupSize = 1;
    const bad = join(dir, 'tampered.json');
    writeFileSync(bad, JSON.stringify(tampered));
    const ko = run(bad);
    expect(ko.code).toBe(1);
    for (const who of ['provider signature', 'consumer signature', 'platform countersignature']) expect(ko.out).toMatch(new RegExp(`^FAIL {2}${who}.*: signature does not verify$`, 'm'));
    expect(ko.out).toMatch(/INVALID/);
  });
});
