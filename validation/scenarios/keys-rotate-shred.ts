// docs/architecture.md promise 6 and "Keys and sealing": the tenant key is rotated (old data stays
// readable, new data uses the new version), then one patient is erased by crypto-shredding. Every
// stored reading of that patient must stay in the store yet no longer open; every reading of the
// other patients, before and after the rotation, must still open. With the healthcare pilot in
// the build the patients are enrolled, fed over MQTT and erased through its API; without it the
// same is done with subjects through the platform services.
import mqtt from 'mqtt';
import { SERIES_COLLECTION } from '../../platform/crypto/collections.ts';
import { ErasedError } from '../../platform/errors.ts';
import type { Harness } from '../support/harness.ts';
import { deviceCreds } from '../support/mqtt-probe.ts';
import { syntheticFaker, syntheticPerson } from '../support/synthetic.ts';
import type { Scenario } from '../types.ts';

const HC = '/api/v1/pilots/healthcare';

interface SubjectCount {
  opened: number;
  erased: number;
  broken: number;
}

/** Opens every stored reading of the tenant, counted per subject (raw store, no API filtering). */
async function openAllReadings(h: Harness, tenantId: string): Promise<Map<string, SubjectCount>> {
  const s = h.platform.services;
  const store = await s.scopes.store(tenantId);
  const out = new Map<string, SubjectCount>();
  for (const series of await store.listSeries()) {
    for (const p of await store.range({ series, limit: 1_000_000 })) {
      const key = p.subject ?? '(tenant key)';
      const c = out.get(key) ?? { opened: 0, erased: 0, broken: 0 };
      try {
        await s.keyring.openJson({ tenant: tenantId, collection: SERIES_COLLECTION, id: p.id, subject: p.subject }, p.body);
        c.opened++;
      } catch (err) {
        if (err instanceof ErasedError) c.erased++;
        else c.broken++;
      }
      out.set(key, c);
    }
  }
  return out;
}

export const keysRotateShred: Scenario = {
  id: 'keys.rotate-and-shred',
  title: 'Key rotation keeps data readable; shredding one patient’s key erases only that patient',
  requirement: 'docs/architecture.md promises 2 and 6 (right to erasure by crypto-shredding); GDPR art. 17; ASVS 4.0.3 6.2.4, 6.4.1',
  indicator: 'readings of the erased patient that still open; readings of the other patients that no longer open',
  criterion: '0 readings of the erased patient open (all still stored); 0 readings of the others lost, before and after rotation',
  profile: 'fast',
  timeoutMs: 60_000,
  async run(ctx) {
    const withHealthcare = ctx.availablePilots.includes('healthcare');
    const h = await ctx.boot({ probe: true, pilots: withHealthcare ? ['healthcare'] : [] });
    const s = h.platform.services;
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    const operator = await h.as(h.tenants.a.users.operator);
    const f = syntheticFaker(6);
    const subjects: string[] = [];
    const sendReadings = [] as ((round: number) => Promise<void>)[];

    if (withHealthcare) {
      for (let i = 0; i < 3; i++) {
        const res = await operator.post(`${HC}/patients`, { ...syntheticPerson(f, i), devices: ['thermometer'], consent: { status: 'given', note: '' } });
        if (res.status !== 201) throw new Error(`enrolment failed: ${res.status} ${JSON.stringify(res.body)}`);
        subjects.push(res.body.id as string);
        const dev = (res.body.devices as { id: string; kind: string; secret: string }[]).find((d) => d.kind === 'thermometer')!;
        const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${h.platform.mqttPort}`, { ...deviceCreds({ ...dev, tenantId: 'tenant-a' }), reconnectPeriod: 0 });
        ctx.defer(() => c.endAsync(true));
        sendReadings.push(async (round) => {
          for (let k = 0; k < 5; k++) {
            await c.publishAsync(`tenants/tenant-a/devices/${dev.id}/telemetry`, JSON.stringify({ ts: Date.now() - 60_000 + round * 10 + k, temperature: 36.5 + k / 10 }), { qos: 1 });
          }
        });
      }
    } else {
      for (let i = 0; i < 3; i++) {
        const subject = `subject-${i}`;
        subjects.push(subject);
        sendReadings.push(async (round) => {
          const { runInTenant, systemContext } = await import('../../platform/tenancy/context.ts');
          const { asTenantId } = await import('../../platform/ids.ts');
          await runInTenant(systemContext('validation', asTenantId('tenant-a')), () =>
            s.series.append(Array.from({ length: 5 }, (_, k) => ({ series: `dev-${i}`, id: `r-${i}-${round}-${k}`, ts: Date.now() + k, subject, data: { value: k } }))),
          );
        });
      }
    }

    for (const send of sendReadings) await send(1);
    const rotated = await admin.post('/api/v1/keys/rotate');
    if (rotated.status !== 200) throw new Error(`rotation refused: ${rotated.status}`);
    for (const send of sendReadings) await send(2);
    const [keep1, doomed, keep2] = subjects as [string, string, string];
    const before = await openAllReadings(h, 'tenant-a');

    let erasure: unknown;
    if (withHealthcare) {
      const res = await operator.post(`${HC}/patients/${doomed}/erase`, { confirm: doomed });
      if (res.status !== 200) throw new Error(`erasure refused: ${res.status} ${JSON.stringify(res.body)}`);
      erasure = res.body;
    } else {
      await s.keyring.shred('tenant-a', doomed);
      erasure = { shredded: doomed };
    }
    // Forget cached keys too: what counts is what the stores can still open.
    s.keyring.clearCache();
    const after = await openAllReadings(h, 'tenant-a');
    const zero: SubjectCount = { opened: 0, erased: 0, broken: 0 };
    const d = after.get(doomed) ?? zero;
    const othersBefore = [keep1, keep2].reduce((n, x) => n + (before.get(x)?.opened ?? 0), 0);
    const othersAfter = [keep1, keep2].reduce((n, x) => n + (after.get(x)?.opened ?? 0), 0);
    const doomedStored = d.opened + d.erased + d.broken;
    const apiGone = withHealthcare ? (await operator.get(`${HC}/patients/${doomed}`)).status : null;
    const auditor = await h.as(h.tenants.a.users.auditor);
    const log = (await auditor.get('/api/v1/audit?limit=1000')).body.items as { seq: number; action: string; target: string }[];
    const keyEntries = log.filter((e) => e.action === 'key.rotate' || e.action === 'key.shred').map((e) => ({ seq: e.seq, action: e.action }));
    const keys = (await admin.get('/api/v1/keys')).body;
    const tenantVersions = (keys.items as { scope: string }[]).filter((k) => k.scope === 'tenant').length;
    const lostOfOthers = othersBefore - othersAfter;
    return {
      measured: `${d.opened} still open · ${lostOfOthers} of others lost`,
      pass:
        d.opened === 0 &&
        doomedStored > 0 &&
        lostOfOthers === 0 &&
        othersAfter === 20 &&
        tenantVersions === 2 &&
        keyEntries.some((e) => e.action === 'key.shred') &&
        (apiGone === null || apiGone === 404 || apiGone === 410),
      evidence: {
        path: withHealthcare ? 'healthcare pilot API + MQTT' : 'platform services',
        erasedPatientReadings: { stored: doomedStored, stillOpen: d.opened, erased: d.erased, otherErrors: d.broken },
        otherPatientsReadableBefore: othersBefore,
        otherPatientsReadableAfter: othersAfter,
        readingsWrittenBeforeRotation: 10,
        tenantKeyVersions: tenantVersions,
        erasedPatientApiStatus: apiGone,
        erasure,
        auditEntries: keyEntries,
      },
    };
  },
};
