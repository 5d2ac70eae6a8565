// The fast profile of the validation scenarios, inside `npm test`: every fast scenario must pass
// against a fresh platform. A scenario that needs a pilot missing from this build is the only
// acceptable "not run", and the test says so explicitly.
import { beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE } from './catalogue.ts';
import { runScenario, selectScenarios } from './runner.ts';
import { availablePilots } from './support/pilots.ts';

let pilots: string[] = [];
beforeAll(async () => {
  pilots = await availablePilots();
});

describe('validation scenarios, fast profile', () => {
  for (const s of selectScenarios(CATALOGUE, 'fast')) {
    it(`${s.id}: ${s.title}`, { timeout: (s.timeoutMs ?? 60_000) + 30_000 }, async () => {
      const r = await runScenario(s, { profile: 'fast' }, pilots);
      if (r.status === 'not-run') {
        // Only a pilot absent from the build excuses a scenario from running.
        expect(s.needs?.some((p) => !pilots.includes(p))).toBe(true);
        return;
      }
      // On failure the whole result (measured value, evidence, error) is in the assertion message.
      expect(r.status, JSON.stringify({ measured: r.measured, reason: r.reason, evidence: r.evidence }, null, 1).slice(0, 4000)).toBe('pass');
      expect(r.measured).not.toBeNull();
    });
  }
});
