import { describe, it, expect } from 'vitest';
import { faker } from '@faker-js/faker';
import {
  bundle,
  deviceResource,
  news2Observation,
  patientResource,
  uuidV5,
  vitalObservation,
  vitalObservations,
  type Observation,
  type PatientInput,
} from './fhir.ts';
import { news2 } from './news2.ts';

const ts = Date.UTC(2024, 2, 5, 8, 30, 0);
const patientRef = 'Patient/p-001';
const CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';

function syntheticPatient(seed: number): PatientInput {
  faker.seed(seed);
  return {
    id: faker.string.uuid(),
    identifier: faker.string.numeric(10),
    givenName: faker.person.firstName(),
    familyName: faker.person.lastName(),
    birthDate: faker.date.birthdate({ min: 50, max: 90, mode: 'age' }).toISOString().slice(0, 10),
    sex: faker.helpers.arrayElement(['male', 'female'] as const),
    address: { line: [faker.location.streetAddress()], city: faker.location.city(), postalCode: faker.location.zipCode(), country: 'ES' },
  };
}

/** The R4 vital-signs profile's mandatory elements (hl7.org/fhir/R4/vitalsigns.html). */
function expectVitalSign(obs: Observation) {
  expect(obs.resourceType).toBe('Observation');
  expect(obs.status).toBe('final');
  expect(obs.category[0]!.coding[0]).toMatchObject({ system: CATEGORY, code: 'vital-signs' });
  expect(obs.code.coding[0]!.system).toBe('http://loinc.org');
  expect(obs.subject).toEqual({ reference: patientRef });
  expect(obs.effectiveDateTime).toBe('2024-03-05T08:30:00.000Z');
}

describe('vital-sign Observations', () => {
  it.each([
    ['heartRate', 72, '8867-4', '/min', 'heartrate'],
    ['respiratoryRate', 18, '9279-1', '/min', 'resprate'],
    ['temperature', 37.8, '8310-5', 'Cel', 'bodytemp'],
    ['weight', 81.2, '29463-7', 'kg', 'bodyweight'],
  ] as const)('%s %d → LOINC %s, UCUM %s', (param, value, code, unit, profile) => {
    const obs = vitalObservation({ param, value, ts }, patientRef);
    expectVitalSign(obs);
    expect(obs.code.coding.map((c) => c.code)).toEqual([code]);
    expect(obs.valueQuantity).toMatchObject({ value, system: 'http://unitsofmeasure.org', code: unit });
    expect(obs.valueQuantity!.unit).toBeTruthy();
    expect(obs.meta!.profile).toContain(`http://hl7.org/fhir/StructureDefinition/${profile}`);
  });
  it('SpO2 is coded with both 2708-6 and 59408-5 in %', () => {
    const obs = vitalObservation({ param: 'spo2', value: 94, ts, deviceId: 'ox-1' }, patientRef);
    expectVitalSign(obs);
    expect(obs.code.coding.map((c) => c.code)).toEqual(['2708-6', '59408-5']);
    expect(obs.valueQuantity).toMatchObject({ value: 94, code: '%' });
    expect(obs.device).toEqual({ reference: 'Device/ox-1' });
  });
  it('blood pressure is the 85354-9 panel with systolic and diastolic components in mm[Hg]', () => {
    const obs = vitalObservation({ param: 'bloodPressure', systolic: 132, diastolic: 84, ts }, patientRef);
    expectVitalSign(obs);
    expect(obs.code.coding[0]!.code).toBe('85354-9');
    expect(obs.valueQuantity).toBeUndefined();
    expect(obs.component).toEqual([
      expect.objectContaining({
        code: expect.objectContaining({ coding: [expect.objectContaining({ code: '8480-6' })] }),
        valueQuantity: { value: 132, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
      }),
      expect.objectContaining({
        code: expect.objectContaining({ coding: [expect.objectContaining({ code: '8462-4' })] }),
        valueQuantity: { value: 84, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
      }),
    ]);
  });
  it('a lone systolic becomes the panel with the diastolic marked data-absent', () => {
    const obs = vitalObservation({ param: 'systolic', value: 140, ts }, patientRef);
    expect(obs.code.coding[0]!.code).toBe('85354-9');
    expect(obs.component![0]!.valueQuantity!.value).toBe(140);
    expect(obs.component![1]!.dataAbsentReason!.coding[0]!.code).toBe('unknown');
  });
  it('pairs systolic and diastolic of the same measurement into one panel', () => {
    const list = vitalObservations(
      [
        { param: 'systolic', value: 120, ts, deviceId: 'cuff' },
        { param: 'diastolic', value: 78, ts, deviceId: 'cuff' },
        { param: 'heartRate', value: 64, ts, deviceId: 'cuff' },
      ],
      patientRef,
    );
    expect(list.map((o) => o.code.coding[0]!.code).sort()).toEqual(['85354-9', '8867-4']);
    const panel = list.find((o) => o.code.coding[0]!.code === '85354-9')!;
    expect(panel.component!.map((c) => c.valueQuantity?.value)).toEqual([120, 78]);
  });
  it('glucose is category laboratory, LOINC 2339-0 in mg/dL, with no vital-signs profile', () => {
    const obs = vitalObservation({ param: 'glucose', value: 142, ts }, patientRef);
    expect(obs.category[0]!.coding[0]!.code).toBe('laboratory');
    expect(obs.code.coding[0]).toMatchObject({ system: 'http://loinc.org', code: '2339-0' });
    expect(obs.valueQuantity).toMatchObject({ value: 142, code: 'mg/dL' });
    expect(obs.meta).toBeUndefined();
  });
  it('ACVPU is a coded value and the oxygen flag a boolean', () => {
    expect(vitalObservation({ param: 'consciousness', value: 'V', ts }, patientRef).valueCodeableConcept!.coding[0]!.code).toBe('V');
    expect(vitalObservation({ param: 'onOxygen', value: true, ts }, patientRef).valueBoolean).toBe(true);
  });
  it('gives the same reading the same id every time, and different readings different ids', () => {
    const a = vitalObservation({ param: 'heartRate', value: 72, ts }, patientRef);
    const b = vitalObservation({ param: 'heartRate', value: 72, ts }, patientRef);
    const c = vitalObservation({ param: 'heartRate', value: 72, ts: ts + 1 }, patientRef);
    expect(a.id).toBe(b.id);
    expect(a.id).not.toBe(c.id);
  });
  it('refuses a non-finite value', () => {
    expect(() => vitalObservation({ param: 'heartRate', value: Number.NaN, ts }, patientRef)).toThrow(RangeError);
  });
});

describe('NEWS2 Observation', () => {
  const complete = news2(
    { respiratoryRate: 22, spo2: 95, onOxygen: true, systolic: 120, heartRate: 115, consciousness: 'A', temperature: 37 },
    1,
  );
  it('carries the total as a {score} quantity, category survey, with one component per sub-score', () => {
    const obs = news2Observation(complete, patientRef, { at: ts, derivedFrom: ['Observation/a'] });
    expect(obs.status).toBe('final');
    expect(obs.category[0]!.coding[0]!.code).toBe('survey');
    expect(obs.code.coding[0]).toMatchObject({ system: 'https://custodia.example/fhir/CodeSystem/scores', code: 'news2' });
    expect(obs.code.coding[1]).toMatchObject({ system: 'http://snomed.info/sct', code: '1104051000000101' });
    expect(obs.valueQuantity).toEqual({ value: 7, unit: 'score', system: 'http://unitsofmeasure.org', code: '{score}' });
    expect(obs.component).toHaveLength(7);
    const sum = obs.component!.reduce((s, c) => s + c.valueQuantity!.value, 0);
    expect(sum).toBe(7);
    expect(obs.interpretation![0]!.coding[0]!.code).toBe('news2-band-high');
    expect(obs.derivedFrom).toEqual([{ reference: 'Observation/a' }]);
  });
  it('codes the SpO2 sub-score with the scale that was used', () => {
    const scale2 = news2({ spo2: 90 }, 2);
    const obs = news2Observation(scale2, patientRef, { at: ts });
    expect(obs.component![0]!.code.coding[1]!.code).toBe('1104321000000108');
  });
  it('exports a partial set as preliminary with a note naming what is missing', () => {
    const obs = news2Observation(news2({ heartRate: 80 }, 1), patientRef, { at: ts });
    expect(obs.status).toBe('preliminary');
    expect(obs.note![0]!.text).toMatch(/missing: respiratoryRate, spo2/);
  });
});

describe('Patient and Device', () => {
  it('builds a Patient from synthetic demographics', () => {
    const p = syntheticPatient(42);
    const r = patientResource(p);
    expect(r).toMatchObject({ resourceType: 'Patient', id: p.id, gender: p.sex, birthDate: p.birthDate });
    expect(r.name[0]).toEqual({ use: 'official', family: p.familyName, given: [p.givenName] });
    expect(r.identifier[0]!.value).toBe(p.identifier);
    expect(r.address![0]!.city).toBe(p.address!.city);
  });
  it('rejects a birth date that is not YYYY-MM-DD', () => {
    expect(() => patientResource({ ...syntheticPatient(1), birthDate: '05/03/1950' })).toThrow(RangeError);
  });
  it('builds a Device typed by kind and assigned to its patient', () => {
    const d = deviceResource({ id: 'ox-1', kind: 'pulse-oximeter', serialNumber: 'SN-1', patientRef });
    expect(d).toMatchObject({ resourceType: 'Device', id: 'ox-1', status: 'active', serialNumber: 'SN-1', patient: { reference: patientRef } });
    expect(d.type.coding[0]!.code).toBe('pulse-oximeter');
  });
});

describe('Bundle', () => {
  const p = syntheticPatient(7);
  const pRef = `Patient/${p.id}`;
  const patient = patientResource(p);
  const device = deviceResource({ id: 'hub-7', kind: 'home-hub', patientRef: pRef });
  const hr = vitalObservation({ param: 'heartRate', value: 70, ts, deviceId: 'hub-7' }, pRef);

  it('wraps resources with urn:uuid fullUrls and a timestamp', () => {
    const b = bundle([patient, device, hr], 'collection', { at: ts });
    expect(b).toMatchObject({ resourceType: 'Bundle', type: 'collection', timestamp: '2024-03-05T08:30:00.000Z' });
    expect(b.entry).toHaveLength(3);
    for (const e of b.entry) expect(e.fullUrl).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(new Set(b.entry.map((e) => e.fullUrl)).size).toBe(3);
    // A resource whose id already is a UUID keeps it.
    expect(b.entry[0]!.fullUrl).toBe(`urn:uuid:${p.id}`);
  });
  it('rewrites references between bundled resources to their fullUrls, leaving inputs untouched', () => {
    const b = bundle([patient, device, hr], 'collection', { at: ts });
    const [pe, de, oe] = b.entry;
    const obs = oe!.resource as Observation;
    expect(obs.subject.reference).toBe(pe!.fullUrl);
    expect(obs.device!.reference).toBe(de!.fullUrl);
    expect(hr.subject.reference).toBe(pRef);
  });
  it('leaves references to resources outside the bundle as they are', () => {
    const b = bundle([hr], 'collection', { at: ts });
    expect((b.entry[0]!.resource as Observation).subject.reference).toBe(pRef);
  });
  it('is reproducible for the same input', () => {
    expect(bundle([patient, hr], 'collection', { at: ts })).toEqual(bundle([patient, hr], 'collection', { at: ts }));
  });
  it('refuses the same resource twice', () => {
    expect(() => bundle([patient, patient])).toThrow(/duplicate/);
  });
  it('marks search results and transaction requests for those bundle types', () => {
    expect(bundle([hr], 'searchset', { at: ts })).toMatchObject({ total: 1, entry: [{ search: { mode: 'match' } }] });
    expect(bundle([hr], 'transaction', { at: ts }).entry[0]!.request).toEqual({ method: 'POST', url: 'Observation' });
  });
  it('name-based UUIDs are version 5 and stable', () => {
    expect(uuidV5('x')).toBe(uuidV5('x'));
    expect(uuidV5('x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
