// The scenarios must be able to fail: each promise is broken on purpose in a running platform
// (through the objects startPlatform returns, platform/ itself is untouched), the matching
// scenario is run against it, and it must report FAIL with the indicator showing the breach —
// not an error, not a pass.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../platform/server.ts';
import { runInTenant, systemContext } from '../platform/tenancy/context.ts';
import { asTenantId } from '../platform/ids.ts';
import { auditTamper } from './scenarios/audit-tamper.ts';
import { encryptionScan } from './scenarios/encryption-scan.ts';
import { healthcareConsent } from './scenarios/healthcare-consent.ts';
import { healthcareFutureReading } from './scenarios/healthcare-future-reading.ts';
import { isolation } from './scenarios/isolation.ts';
import { keysRotateShred } from './scenarios/keys-rotate-shred.ts';
import { securityBruteForce } from './scenarios/security-brute-force.ts';
import { securityMqttAcl } from './scenarios/security-mqtt-acl.ts';
import { securityRevocation } from './scenarios/security-revocation.ts';
import { runScenario } from './runner.ts';
import { availablePilots } from './support/pilots.ts';
import type { Sabotage, Scenario, ScenarioResult } from './types.ts';

// ---- ways to break a promise -------------------------------------------------------------------

/** Sealing that stores plaintext JSON (and still reads it back, so nothing else notices). */
const plaintextSealing: Sabotage = (p: Platform) => {
  const k = p.services.keyring;
  const open = k.openJson.bind(k);
  k.sealJson = async (_ref, value) => Buffer.from(JSON.stringify(value), 'utf8');
  k.openJson = async <T,>(ref: Parameters<typeof open>[0], sealed: Buffer) => {
    try {
      return JSON.parse(sealed.toString('utf8')) as T;
    } catch {
      return open<T>(ref, sealed);
    }
  };
};

/** The device registry hands tenant A's devices an identity in tenant B (a broken tenant binding). */
const crossTenantDeviceIdentity: Sabotage = (p) => {
  const d = p.services.devices;
  const authenticate = d.authenticate.bind(d);
  // Authentication that ignores the tenant in the name: tenant A's device secret also opens
  // `tenant-b/<its id>`, as a device of tenant B.
  d.authenticate = async (name, secret) => {
    const foreign = /^tenant-b\/(.+)$/.exec(name);
    const r = await authenticate(foreign ? `tenant-a/${foreign[1]}` : name, secret);
    return foreign && r && r !== 'revoked' ? { ...r, tenantId: 'tenant-b' } : r;
  };
};

/** REST look-ups of a device no longer check that it belongs to the caller's tenant (an IDOR). */
const deviceLookupWithoutTenantCheck: Sabotage = (p) => {
  const d = p.services.devices;
  const get = d.get.bind(d);
  d.require = async (id) => {
    let found = null;
    for (const t of await p.services.tenants.list()) found ??= await runInTenant(systemContext('sabotage', asTenantId(t.id)), () => get(id));
    if (!found) throw new Error(`no device ${id}`);
    return found;
  };
};

/** Crypto-shredding that forgets to destroy the key. */
const shreddingThatKeepsTheKey: Sabotage = (p) => {
  p.services.keyring.shred = async () => undefined;
};

/** An audit verifier that always says the chain is intact. */
const verifyThatAlwaysPasses: Sabotage = (p) => {
  const passes = async () => ({ ok: true as const, entries: 0, checkpoints: 0, headSeq: 0, headHash: '' });
  p.services.audit.verify = passes;
  p.services.audit.admin.verify = passes;
};

/** A login guard that never locks an account. */
const noLockout: Sabotage = (p) => {
  p.services.loginGuard.check = () => ({ allowed: true });
  p.services.loginGuard.failed = () => false;
};

/** Identity changes reach nobody: revocations and logouts leave live connections open. */
const revocationNotDelivered: Sabotage = (p) => {
  p.services.identityEvents.publish = () => undefined;
};

/** The healthcare pilot's consent gate is gone: every reading is stored. */
const noConsentGate: Sabotage = (p) => {
  if (p.pilots.some((x) => x.id === 'healthcare')) delete p.pilotInstance('healthcare').gate;
};

/** The platform believes every device clock again: the skew bound, which ingest, the NEWS2 window
 *  and the ward board all read from the configuration, is pushed past year 275760. */
const trustEveryDeviceClock: Sabotage = (p) => {
  p.config.deviceClock.maxSkewMs = 1e16;
};

// ---- the cases ---------------------------------------------------------------------------------

interface Case {
  broken: string;
  scenario: Scenario;
  sabotage: Sabotage;
  /** What the report must show besides FAIL: the indicator moved for the right reason. */
  shows(r: ScenarioResult): void;
}

const ev = (r: ScenarioResult) => r.evidence as Record<string, any>;

const CASES: Case[] = [
  {
    broken: 'sealing stores plaintext',
    scenario: encryptionScan,
    sabotage: plaintextSealing,
    shows: (r) => expect(r.measured).toBeGreaterThan(0),
  },
  {
    broken: 'device look-ups skip the tenant check',
    scenario: isolation,
    sabotage: deviceLookupWithoutTenantCheck,
    shows: (r) => expect(ev(r).rest.leaks.length).toBeGreaterThan(0),
  },
  {
    broken: 'a device of tenant A is bound to tenant B',
    scenario: securityMqttAcl,
    sabotage: crossTenantDeviceIdentity,
    // Its publishes into tenant B's prefix are accepted.
    shows: (r) => expect(r.measured).toBeGreaterThan(0),
  },
  {
    broken: 'shredding keeps the key',
    scenario: keysRotateShred,
    sabotage: shreddingThatKeepsTheKey,
    shows: (r) => expect(ev(r).erasedPatientReadings.stillOpen).toBeGreaterThan(0),
  },
  {
    broken: 'audit verify always passes',
    scenario: auditTamper,
    sabotage: verifyThatAlwaysPasses,
    shows: (r) => expect(ev(r).attacks.filter((a: { detected: boolean }) => !a.detected).length).toBeGreaterThan(0),
  },
  {
    broken: 'login never locks',
    scenario: securityBruteForce,
    sabotage: noLockout,
    shows: (r) => expect(ev(r).rightPasswordWhileLocked).toBe(200),
  },
  {
    broken: 'revocations do not reach live connections',
    scenario: securityRevocation,
    sabotage: revocationNotDelivered,
    shows: (r) => {
      expect(ev(r).device.closeMs).toBeNull();
      expect(ev(r).socket.closeMs).toBeNull();
    },
  },
  {
    broken: 'the consent gate is missing',
    scenario: healthcareConsent,
    sabotage: noConsentGate,
    shows: (r) => expect(r.measured).toBeGreaterThan(0),
  },
  {
    broken: 'every device clock is believed',
    scenario: healthcareFutureReading,
    sabotage: trustEveryDeviceClock,
    // The far-future readings blind NEWS2: no alarm for the deteriorated patient.
    shows: (r) => expect(ev(r).alarmed).toBe(false),
  },
];

let pilots: string[] = [];
beforeAll(async () => {
  pilots = await availablePilots();
});

describe('a broken promise makes its scenario fail', () => {
  for (const c of CASES) {
    it(`${c.scenario.id} reports FAIL when ${c.broken}`, { timeout: (c.scenario.timeoutMs ?? 60_000) + 30_000 }, async () => {
      const missing = (c.scenario.needs ?? []).filter((p) => !pilots.includes(p));
      if (missing.length) {
        // The scenario cannot run without its pilot; the runner must say so rather than pass.
        const r = await runScenario(c.scenario, { profile: 'fast', sabotage: c.sabotage }, pilots);
        expect(r.status).toBe('not-run');
        return;
      }
      const r = await runScenario(c.scenario, { profile: 'fast', sabotage: c.sabotage }, pilots);
      expect(r.status, `${r.reason ?? ''} ${JSON.stringify(r.evidence).slice(0, 2000)}`).toBe('fail');
      expect(r.reason, 'the scenario must fail on its indicator, not with an error').toBeUndefined();
      c.shows(r);
    });
  }
});
