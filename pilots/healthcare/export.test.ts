import { describe, expect, it } from 'vitest';
import { LOINC, UCUM } from './domain/vitals.ts';
import { patientBundle } from './export.ts';
import type { News2Record, Patient } from './model.ts';

const patient: Patient = {
  id: '6d4a4c1e-1111-4222-8333-944455556666',
  identifier: 'SYN-004242',
  givenName: 'Bea',
  familyName: 'Synthetic',
  birthDate: '1945-05-05',
  sex: 'female',
  address: { line: ['1 Nowhere Lane'], city: 'Testville', postalCode: 'ZZ1 1ZZ', country: 'GB' },
  conditions: ['heart-failure'],
  careTeam: [],
  hubDeviceId: 'hc-6d4a4c1e-hub',
  deviceIds: ['hc-6d4a4c1e-hub', 'hc-6d4a4c1e-ox', 'hc-6d4a4c1e-bp'],
  settings: { scale: 1, monitoringMinutes: 60 },
  demo: false,
  createdAt: 0,
  createdBy: 'user:x',
};
const T = Date.UTC(2025, 0, 1, 8);

const news2: News2Record = {
  id: '0b6a7c1e-2222-4333-8444-955566667777',
  patientId: patient.id,
  at: T,
  computedAt: T,
  total: 3,
  band: 'low-medium',
  partial: true,
  missing: ['temperature'],
  scale: 1,
  scores: { respiratoryRate: 3, spo2: 0 },
  anySingleThree: true,
  set: { respiratoryRate: 26, spo2: 97 },
};

function build(type?: 'collection' | 'transaction') {
  return patientBundle({
    patient,
    devices: [
      { id: 'hc-6d4a4c1e-ox', kind: 'pulse-oximeter', label: 'Pulse oximeter' },
      { id: 'hc-6d4a4c1e-bp', kind: 'bp-cuff' },
    ],
    readings: [
      { deviceId: 'hc-6d4a4c1e-ox', ts: T, data: { ts: T, spo2: 97, heartRate: 71 } },
      // The same reading twice (a retried publish): exported once.
      { deviceId: 'hc-6d4a4c1e-ox', ts: T, data: { ts: T, spo2: 97, heartRate: 71 } },
      { deviceId: 'hc-6d4a4c1e-ox', ts: T + 1000, data: { ts: T + 1000, spo2: 20, heartRate: 72 } },
      { deviceId: 'hc-6d4a4c1e-bp', ts: T, data: { ts: T, systolic: 128, diastolic: 82, heartRate: 70 } },
    ],
    news2: [news2],
    at: T + 60_000,
  }, type);
}

describe('FHIR export bundle', () => {
  it('holds the patient, the devices, the vital observations and the NEWS2 observation', () => {
    const b = build();
    expect(b).toMatchObject({ resourceType: 'Bundle', type: 'collection', timestamp: new Date(T + 60_000).toISOString() });
    const types = b.entry.map((e) => e.resource.resourceType);
    expect(types.filter((t) => t === 'Patient')).toHaveLength(1);
    expect(types.filter((t) => t === 'Device')).toHaveLength(2);
    const p = b.entry[0]!.resource;
    expect(p).toMatchObject({ resourceType: 'Patient', gender: 'female', birthDate: '1945-05-05', name: [{ family: 'Synthetic', given: ['Bea'] }] });
    for (const e of b.entry) expect(e.fullUrl).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
  });

  it('vital observations carry LOINC codes and UCUM units; implausible values and duplicates are left out', () => {
    const obs = build()
      .entry.map((e) => e.resource)
      .filter((r) => r.resourceType === 'Observation');
    const codes = obs.map((o) => (o.resourceType === 'Observation' ? o.code.coding[0]!.code : ''));
    // SpO2 97 and two heart rates from the oximeter (the 20 % reading is implausible), BP panel + its heart rate, NEWS2.
    expect(codes.sort()).toEqual(['2708-6', '85354-9', '8867-4', '8867-4', '8867-4', 'news2'].sort());
    for (const o of obs) {
      if (o.resourceType !== 'Observation') continue;
      expect(o.subject.reference).toMatch(/^urn:uuid:/);
      expect(o.status).toMatch(/^(final|preliminary)$/);
      expect(o.effectiveDateTime).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      if (o.code.coding[0]!.code === 'news2') continue;
      expect(o.code.coding[0]!.system).toBe(LOINC);
      expect(o.category[0]!.coding[0]!.code).toBe('vital-signs');
      const quantities = o.valueQuantity ? [o.valueQuantity] : (o.component ?? []).map((c) => c.valueQuantity!);
      for (const q of quantities) expect(q.system).toBe(UCUM);
    }
    const spo2 = obs.find((o) => o.resourceType === 'Observation' && o.code.coding[0]!.code === '2708-6');
    expect(spo2).toMatchObject({ valueQuantity: { value: 97, unit: '%', code: '%', system: UCUM } });
    const bp = obs.find((o) => o.resourceType === 'Observation' && o.code.coding[0]!.code === '85354-9');
    expect(bp).toMatchObject({
      component: [
        { code: { coding: [{ code: '8480-6' }] }, valueQuantity: { value: 128, code: 'mm[Hg]' } },
        { code: { coding: [{ code: '8462-4' }] }, valueQuantity: { value: 82, code: 'mm[Hg]' } },
      ],
    });
  });

  it('a partial NEWS2 set is exported as preliminary, naming what was missing', () => {
    const score = build()
      .entry.map((e) => e.resource)
      .find((r) => r.resourceType === 'Observation' && r.code.coding[0]!.code === 'news2');
    expect(score).toMatchObject({
      id: news2.id,
      status: 'preliminary',
      valueQuantity: { value: 3, system: UCUM, code: '{score}' },
      note: [{ text: 'Partial observation set; missing: temperature' }],
    });
  });
});

describe('FHIR export as a transaction', () => {
  it('makes every entry a POST a FHIR server imports, patient and devices created only when their identifier is new', () => {
    const t = build('transaction');
    const c = build();
    expect(t.type).toBe('transaction');
    // The same resources and references as the collection: only the requests are added.
    expect(t.entry.map((e) => e.resource)).toEqual(c.entry.map((e) => e.resource));
    expect(c.entry.every((e) => e.request === undefined)).toBe(true);
    for (const e of t.entry) expect(e.request).toMatchObject({ method: 'POST', url: e.resource.resourceType });
    const byType = (type: string) => t.entry.filter((e) => e.resource.resourceType === type).map((e) => e.request!.ifNoneExist);
    expect(byType('Patient')).toEqual([`identifier=${encodeURIComponent('https://custodia.example/fhir/NamingSystem/patient-identifier')}|SYN-004242`]);
    expect(byType('Device')).toEqual([
      `identifier=${encodeURIComponent('https://custodia.example/fhir/NamingSystem/device-id')}|hc-6d4a4c1e-ox`,
      `identifier=${encodeURIComponent('https://custodia.example/fhir/NamingSystem/device-id')}|hc-6d4a4c1e-bp`,
    ]);
    expect(new Set(byType('Observation'))).toEqual(new Set([undefined]));
  });
});
