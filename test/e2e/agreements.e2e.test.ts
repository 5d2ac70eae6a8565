// Data sharing agreements in a real browser (Debian's chromium) against the real platform: the
// tenant administrator proposes one in a form checked before sending, both data protection
// officers sign, each party reads what was shared under it from its own audit chain, and a data
// protection officer revokes it only after typing its title. Every page passes the axe-core check.
import { beforeAll, describe, expect, it } from 'vitest';
import { healthcarePilot } from '../../pilots/healthcare/index.ts';
import type { Harness } from '../../validation/support/harness.ts';
import { accessibilityViolations, CHROMIUM_SKIP_NOTE, HAVE_CHROMIUM, seeText, shot, TABLET, type Console } from './support/browser.ts';
import { consoleRig } from './support/console-rig.ts';

if (!HAVE_CHROMIUM) console.log(CHROMIUM_SKIP_NOTE);

let h: Harness;
let ui: Console;

describe.skipIf(!HAVE_CHROMIUM)(`data sharing agreements in the console${HAVE_CHROMIUM ? '' : ` — ${CHROMIUM_SKIP_NOTE}`}`, () => {
  const rig = consoleRig({ pilots: [healthcarePilot], tenantPilots: ['healthcare'] });
  beforeAll(async () => {
    ({ h, ui } = rig);
  }, 60_000);

  it('an administrator proposes, the officers sign, each party sees the usage, and revoking takes the typed title', async () => {
    const a = h.tenants.a.users;
    const admin = await ui.signIn(a['tenant-admin'], { path: '/admin/agreements', viewport: TABLET });
    await admin.getByRole('button', { name: 'Propose an agreement' }).click();
    const form = admin.getByRole('dialog', { name: 'Propose a data sharing agreement' });
    await form.getByLabel('Recipient tenant').fill('Tenant B');
    await form.getByLabel('Title').fill('Ward vitals statistics');
    await form.getByRole('checkbox', { name: /healthcare\.vitals/ }).check();
    // A mistake is named before anything is sent.
    await form.getByRole('button', { name: 'Propose' }).click();
    await seeText(form.getByRole('alert'), /^Recipient tenant:/);
    await form.getByLabel('Recipient tenant').fill(h.tenants.b.id);
    expect(await accessibilityViolations(admin)).toEqual([]);
    await form.getByRole('button', { name: 'Propose' }).click();
    await seeText(admin.locator('main'), 'Ward vitals statistics');
    await seeText(admin.locator('main'), 'proposed');
    // Whole days, the year shown: valid from today to the same day next year.
    const year = new Date().getFullYear();
    await seeText(admin.locator('main'), new RegExp(`valid \\d{2} \\w{3} ${year} – \\d{2} \\w{3} ${year + 1}`));

    const listed = (await (await h.as(a['tenant-admin'])).get('/api/v1/agreements')).body.items as { id: string; title: string; obligations: Record<string, unknown>; operations: string[] }[];
    const agreement = listed.find((x) => x.title === 'Ward vitals statistics')!;
    expect(agreement.operations).toEqual(['aggregate']);
    expect(agreement.obligations).toEqual({ aggregationOnly: true, minGroupSize: 5, retentionDays: 30, requireConsent: true });

    for (const dpo of [a.dpo, h.tenants.b.users.dpo]) expect((await (await h.as(dpo)).post(`/api/v1/agreements/${agreement.id}/sign`)).status).toBe(200);
    const consumer = await h.as(h.tenants.b.users.operator);
    const url = `/api/v1/sharing/${agreement.id}/healthcare.vitals`;
    expect((await consumer.get(`${url}?purpose=research`)).status).toBe(200);
    expect((await consumer.get(`${url}?purpose=public-statistics`)).status).toBe(403);

    const officer = await ui.signIn(a.dpo, { path: '/admin/agreements' });
    await seeText(officer.locator('main'), 'active');
    await officer.getByRole('button', { name: 'Usage' }).click();
    await seeText(officer.getByTestId('agreement-usage'), /2 requests: 1 allowed \(0 rows shared\), 1 refused/);
    await seeText(officer.getByTestId('agreement-usage'), /refused: purpose/);
    expect(await accessibilityViolations(officer)).toEqual([]);
    await shot(officer, 'agreement-usage', { fullPage: false });

    await officer.getByRole('button', { name: 'Revoke' }).click();
    const confirm = officer.getByRole('dialog', { name: /Revoke “Ward vitals statistics”/ });
    const go = confirm.getByRole('button', { name: 'Revoke for good' });
    expect(await go.isDisabled()).toBe(true);
    await confirm.getByTestId('confirm-typed').fill('Ward vitals statistics');
    await go.click();
    await seeText(confirm.getByTestId('confirm-result'), /^Revoked /);
    await confirm.getByRole('button', { name: 'Done' }).click();
    await seeText(officer.locator('main'), 'revoked');
    expect((await consumer.get(`${url}?purpose=research`)).status).toBe(403);
  }, 90_000);
});
