// Healthcare pilot, docs/architecture.md promise 5: healthcare data needs the patient's recorded consent.
// After the clinician records a withdrawal, the patient's devices keep sending; the platform
// acknowledges each reading (the device must not retry forever), tells the device why on its
// errors topic, and stores nothing. Consent given again makes storage resume (control).
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { asTenantId } from '../../platform/ids.ts';
import { connectAll, eventually, enrolSynthetic, HC, type Device } from '../support/healthcare.ts';
import { syntheticFaker } from '../support/synthetic.ts';
import type { Scenario } from '../types.ts';

export const healthcareConsent: Scenario = {
  id: 'healthcare.consent-withdrawal',
  title: 'Consent withdrawal stops storage of the patient’s readings',
  requirement: 'docs/architecture.md promise 5 (purpose-bound, consent-based processing); GDPR art. 7(3) and 9(2)(a)',
  indicator: 'readings stored while consent is withdrawn',
  criterion: '0 stored while withdrawn (each refused and told to the device); storage resumes when consent is given again',
  profile: 'fast',
  needs: ['healthcare'],
  async run(ctx) {
    const h = await ctx.boot({ pilots: ['healthcare'] });
    const operator = await h.as(h.tenants.a.users.operator);
    const p = await enrolSynthetic(operator, syntheticFaker(73), 0);
    const devices: Record<string, Device> = await connectAll(h, 'tenant-a', p);
    ctx.defer(async () => {
      for (const d of Object.values(devices)) await d.close().catch(() => undefined);
    });
    const thermo = devices['thermometer']!;
    const count = () =>
      runInTenant(systemContext('validation', asTenantId('tenant-a')), () => h.platform.services.series.count(thermo.id));
    const send = async (k: number, base: number) => {
      for (let i = 0; i < k; i++) await thermo.send('telemetry', { ts: base + i * 1000, temperature: 36.6 + i / 10 });
    };

    await send(3, Date.now() - 600_000);
    const withConsent = await count();
    const withdrawn = await operator.post(`${HC}/patients/${p.id}/consent`, { status: 'withdrawn', note: 'patient asked to stop' });
    const noticesBefore = thermo.errors.length;
    const sentWhileWithdrawn = 10;
    await send(sentWhileWithdrawn, Date.now() - 300_000);
    await eventually(() => thermo.errors.length - noticesBefore >= sentWhileWithdrawn, 'refusal notices', 3000).catch(() => undefined);
    const afterWithdrawal = await count();
    const notices = thermo.errors.slice(noticesBefore) as { reason?: string; detail?: string }[];

    const given = await operator.post(`${HC}/patients/${p.id}/consent`, { status: 'given', note: 'consent given again' });
    await send(2, Date.now() - 60_000);
    const afterRegiven = await count();

    const auditor = await h.as(h.tenants.a.users.auditor);
    const log = (await auditor.get('/api/v1/audit?limit=1000')).body.items as { seq: number; action: string; outcome: string }[];
    const refusedEntries = log.filter((e) => e.action === 'ingest.refused');
    const consentEntries = log.filter((e) => e.action.startsWith('consent.'));
    const storedWhileWithdrawn = afterWithdrawal - withConsent;
    return {
      measured: storedWhileWithdrawn,
      unit: `of ${sentWhileWithdrawn} stored`,
      pass:
        withdrawn.status === 201 &&
        given.status === 201 &&
        withConsent === 3 &&
        storedWhileWithdrawn === 0 &&
        notices.length >= sentWhileWithdrawn &&
        afterRegiven - afterWithdrawal === 2,
      evidence: {
        storedWithConsent: withConsent,
        sentWhileWithdrawn,
        storedWhileWithdrawn,
        refusalNoticesToDevice: notices.length,
        noticeReasons: [...new Set(notices.map((n) => `${n.reason}: ${n.detail}`))],
        storedAfterConsentGivenAgain: afterRegiven - afterWithdrawal,
        auditEntries: { ingestRefused: refusedEntries.map((e) => e.seq), consent: consentEntries.map((e) => ({ seq: e.seq, action: e.action })) },
      },
    };
  },
};
