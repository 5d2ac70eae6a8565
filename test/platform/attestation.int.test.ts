// Platform attestation end to end (docs/attestation.md): the real platform measures a copy of its
// code tree, signs the statement with its identity key and publishes it over HTTP and as a
// retained MQTT message; a changed file changes the measurement across a restart, an unchanged
// restart measures the same.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkStatement, ATTESTATION_PATH, ATTESTATION_TOPIC, type AttestationEnvelope } from '../../platform/attest/statement.ts';
import { PUBLIC_KEY_FILE } from '../../platform/audit/signer.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';
import { probePilot } from '../../validation/support/probe-pilot.ts';
import { provisionProbes } from '../../validation/support/fleet.ts';
import { connectDevice, trySubscribe } from '../../validation/support/mqtt-probe.ts';
import { copyCodeTree } from '../../validation/support/code-copy.ts';

const root = copyCodeTree(mkdtempSync(join(tmpdir(), 'custodia-attest-code-')));
const open: Harness[] = [];
afterAll(async () => {
  for (const h of open) await h.close().catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
});

const boot = async (dataDir?: string) => {
  const h = await bootHarness({ pilots: [probePilot], tenantPilots: ['probe'], attestationRoot: root, ...(dataDir ? { dataDir, provision: false } : {}) });
  open.push(h);
  return h;
};
const fetchStatement = async (h: Harness) => {
  const res = await fetch(`${h.url}${ATTESTATION_PATH}`);
  return { res, body: (await res.json()) as AttestationEnvelope };
};

describe('platform attestation', () => {
  it('publishes a statement signed by the audit identity key, publicly and retained on MQTT; a device may read the topic but not publish to it', async () => {
    const h = await boot();
    const { res, body } = await fetchStatement(h);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('etag')).toBeTruthy();
    const pem = readFileSync(join(h.config.dataDir, PUBLIC_KEY_FILE), 'utf8');
    const verdict = checkStatement(body, pem, new Set([body.statement.measurement]));
    expect(verdict.ok).toBe(true);
    expect(body.statement.keyId).toBe(h.platform.services.identityKey.keyId);
    expect(body.statement.files).toBeGreaterThan(100);
    expect(JSON.stringify(body)).not.toContain(h.config.dataDir);

    const [probe] = await provisionProbes(h, 'a', 'att', 1);
    const device = await connectDevice(h.platform.mqttPort, probe!);
    try {
      const received = new Promise<Buffer>((resolve) => device.on('message', (topic, payload) => topic === ATTESTATION_TOPIC && resolve(payload)));
      expect(await trySubscribe(device, ATTESTATION_TOPIC)).toBe(true);
      expect(JSON.parse((await received).toString())).toEqual(body);
      // A publish there is refused: the broker closes the connection (no negative PUBACK in 3.1.1).
      const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
      device.publish(ATTESTATION_TOPIC, JSON.stringify({ forged: true }), { qos: 1, retain: true });
      await closed;
    } finally {
      await device.endAsync(true);
    }
    expect((await fetchStatement(h)).body).toEqual(body);
    await h.close({ keepData: true });

    // An unchanged restart measures the same tree: the device's allow-list still holds.
    const again = await boot(h.config.dataDir);
    const second = (await fetchStatement(again)).body;
    expect(second.statement.issuedAt >= body.statement.issuedAt).toBe(true);
    expect(checkStatement(second, pem, new Set([body.statement.measurement])).ok).toBe(true);
    await again.close({ keepData: true });

    // One changed file in the measured tree: a new measurement the allow-list does not hold.
    appendFileSync(join(root, 'platform', 'server.ts'), '\n// altered\n');
    const altered = await boot(h.config.dataDir);
    const third = (await fetchStatement(altered)).body;
    expect(third.statement.code).not.toBe(body.statement.code);
    expect(third.statement.config).toBe(body.statement.config);
    expect(checkStatement(third, pem, new Set([body.statement.measurement]))).toMatchObject({ ok: false, reason: 'not-allowed' });
  }, 90_000); // three platform starts
});
