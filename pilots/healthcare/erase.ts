// Right to erasure (docs/architecture.md promise 6; GDPR art. 17) by crypto-shredding: the patient's key is
// destroyed, so every reading, score, consent entry and alarm sealed under it becomes unreadable
// wherever a copy lies. Order matters: readings are refused and devices detached first, so no new
// reading is sealed under a key that is about to disappear.
import type { PilotContext } from '../../platform/pilot.ts';
import { auditPatient, patientTarget } from './audit.ts';
import { KINDS, type Patient } from './model.ts';
import { patientKey, type Runtime } from './runtime.ts';

export interface ErasureReport {
  patientId: string;
  devicesDetached: string[];
  alarmsCleared: number;
  recordsDeleted: number;
}

export async function erasePatient(ctx: PilotContext, rt: Runtime, patient: Patient): Promise<ErasureReport> {
  const tenantId = ctx.principal().tenantId!;
  const key = patientKey(tenantId, patient.id);
  rt.erasing.add(key);
  try {
    // 1. The ingest gate now refuses this patient's readings; detached devices stay refused.
    const detached: string[] = [];
    for (const id of patient.deviceIds) {
      const d = await ctx.devices.find(id);
      if (d && d.subject === patient.id) {
        await ctx.devices.update(id, { subject: null });
        detached.push(id);
      }
      // A device-offline alarm still waiting for its grace would name the erased patient.
      const timer = rt.offlineTimers.get(`${tenantId}/${id}`);
      if (timer) clearTimeout(timer);
      rt.offlineTimers.delete(`${tenantId}/${id}`);
    }
    // 2. Open alarms are closed while they can still be read (afterwards they cannot).
    const active = await ctx.alarms.list({ state: 'active', subject: patient.id, limit: 1000 });
    for (const a of active) {
      await ctx.alarms.clear(a.source, a.type);
      rt.known.set(`${tenantId}|${a.source}|${a.type}`, false);
    }
    // 3. Record ids are collected while readable: an erased subject's records are hidden from find().
    const records = await ctx.records();
    const doomed: { kind: string; id: string }[] = [
      { kind: KINDS.patient, id: patient.id },
      { kind: KINDS.consent, id: patient.id },
      { kind: KINDS.alarmState, id: patient.id },
      { kind: KINDS.news2Latest, id: patient.id },
    ];
    for (const r of await records.find(KINDS.news2, { subject: patient.id })) doomed.push({ kind: KINDS.news2, id: r.id });
    for (const r of await records.find(KINDS.vitalsDay, { subject: patient.id })) doomed.push({ kind: KINDS.vitalsDay, id: r.id });
    // 4. The shredding itself (audited by the platform as key.shred).
    await ctx.subjects.erase(patient.id);
    // 5. Tidy up the now unreadable records.
    for (const d of doomed) await records.delete(d.kind, d.id);
    rt.forgetPatient(key);
    const report: ErasureReport = {
      patientId: patient.id,
      devicesDetached: detached,
      alarmsCleared: active.length,
      recordsDeleted: doomed.length,
    };
    await auditPatient(ctx, 'patient.erase', patientTarget(patient.id), {
      devices: detached,
      alarmsCleared: active.length,
      records: doomed.length,
    });
    return report;
  } finally {
    rt.erasing.delete(key);
    // The consent cache must not resurrect the patient: no consent from now on.
    rt.consent.set(key, false);
  }
}
