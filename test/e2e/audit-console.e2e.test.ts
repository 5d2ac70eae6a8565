// The audit log in a real browser: actions filtered by readable group, an actor filter that
// matches without the "user:" prefix, targets named only for a viewer who may see the names (the
// platform operator sees tenant names; a tenant's auditor sees ids), and exports of exactly what
// the filters show as CSV and JSON.
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPilots } from '../../pilots/index.ts';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { asTenantId } from '../../platform/ids.ts';
import type { Harness } from '../../validation/support/harness.ts';
import { CHROMIUM_SKIP_NOTE, HAVE_CHROMIUM, seeText, shot, visible, type Console } from './support/browser.ts';
import { consoleRig } from './support/console-rig.ts';

if (!HAVE_CHROMIUM) console.log(CHROMIUM_SKIP_NOTE);

let h: Harness;
let ui: Console;

async function text(stream: Readable): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += chunk;
  return out;
}

describe.skipIf(!HAVE_CHROMIUM)(`the audit log in the console${HAVE_CHROMIUM ? '' : ` — ${CHROMIUM_SKIP_NOTE}`}`, () => {
  const rig = consoleRig(async () => ({ pilots: await loadPilots(), tenantPilots: ['healthcare', 'lighting'] }));
  beforeAll(async () => {
    ({ h, ui } = rig);
    // Some history in tenant A: an alarm raised by the system, acknowledged by the operator.
    const { alarm } = await runInTenant(systemContext('test', asTenantId(h.tenants.a.id)), () =>
      h.platform.services.alarms.raise({ source: 'device:door-1', type: 'test.door', severity: 'major', title: 'Door open' }),
    );
    const op = await h.as(h.tenants.a.users.operator);
    expect((await op.post(`/api/v1/alarms/${alarm.id}/ack`, { note: 'checked' })).status).toBe(200);
  }, 90_000);

  it('an auditor filters by action group and by actor name, sees ids, and exports what is shown as CSV and JSON', async () => {
    const page = await ui.signIn(h.tenants.a.users.auditor, { path: '/audit' });
    const table = page.getByTestId('audit-table');
    await visible(table);
    await page.getByLabel('Action').selectOption('group:alarms');
    await page.getByLabel('Actor').fill(h.tenants.a.users.operator.replace(/^tenant-a-/, ''));
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
    await seeText(table.locator('tbody tr').first(), 'alarm.acknowledge');
    await seeText(table.locator('tbody tr').first(), `user:${h.tenants.a.users.operator}`);
    // An auditor has no access to alarm titles or patient names: the target is its id.
    expect(await table.getByTestId('audit-target-name').count()).toBe(0);
    await seeText(page.getByRole('status').filter({ hasText: 'entr' }), /^1 entry/);
    await shot(page, 'audit-auditor-filtered', { fullPage: false });

    const [csvDl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(csvDl.suggestedFilename()).toMatch(/^audit-tenant-a-.*\.csv$/);
    const csv = (await text(await csvDl.createReadStream())).split('\r\n');
    expect(csv[0]).toBe('seq,time,actor,action,group,target,target_name,outcome,details,hash,prev_hash');
    expect(csv).toHaveLength(3);
    expect(csv[1]).toContain(`,user:${h.tenants.a.users.operator},alarm.acknowledge,Alarms,alarm:`);

    const [jsonDl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
    const json = JSON.parse(await text(await jsonDl.createReadStream()));
    expect(json).toMatchObject({ chain: 'tenant-a', count: 1, filters: { action: 'group:alarms' } });
    expect(json.items[0]).toMatchObject({ action: 'alarm.acknowledge', outcome: 'success' });
    expect(json.items[0]).not.toHaveProperty('targetName');

    // The sign-in group holds the logins, including this auditor's own.
    await page.getByLabel('Action').selectOption('group:sign-in');
    await page.getByLabel('Actor').fill('auditor');
    await page.getByRole('button', { name: 'Apply' }).click();
    await seeText(table.locator('tbody tr').first(), 'auth.login');
  }, 60_000);

  it('the platform operator sees tenants named in its own audit log', async () => {
    const root = await h.as('root-admin');
    expect((await root.patch(`/api/v1/tenants/${h.tenants.b.id}`, { name: 'Harbour Ward' })).status).toBe(200);
    const page = await ui.signIn('root-admin', { path: '/audit' });
    const table = page.getByTestId('audit-table');
    await visible(table);
    await page.getByLabel('Action').selectOption('group:tenants');
    await seeText(table.getByTestId('audit-target-name').first(), 'Harbour Ward');
    await seeText(table.locator('tbody tr').first(), `tenant:${h.tenants.b.id}`);
    await shot(page, 'audit-platform-named', { fullPage: false });
  }, 60_000);
});
