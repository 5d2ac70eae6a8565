// docs/architecture.md promise 2: every personal or telemetry value is stored sealed. Synthetic values go in
// through every entry point (REST, MQTT telemetry, commands, the healthcare pilot's enrolment,
// consent and messages when it is part of the build); then every byte under the data directory
// is scanned, while the platform runs (database, WAL and shared-memory files) and after it
// stopped. A control scan for values stored in clear by design (ids) shows the scan sees the data.
import mqtt from 'mqtt';
import { TEST_PASSWORD } from '../support/harness.ts';
import { listFiles, scanDir } from '../support/scan.ts';
import { provisionProbes } from '../support/fleet.ts';
import { deviceCreds } from '../support/mqtt-probe.ts';
import { personNeedles, syntheticFaker, syntheticPerson } from '../support/synthetic.ts';
import type { Scenario } from '../types.ts';
import { statSync } from 'node:fs';
import { basename } from 'node:path';

const HC = '/api/v1/pilots/healthcare';

export const encryptionScan: Scenario = {
  id: 'encryption.raw-scan',
  title: 'Raw scan of the data directory finds no synthetic value in clear',
  requirement: 'docs/architecture.md promise 2 (encryption at rest); ASVS 4.0.3 6.1.1, 2.4.1; ETSI EN 303 645 5.4-1',
  indicator: 'plaintext hits of the synthetic names, values, passwords, device secrets and session tokens used',
  criterion: '0 hits in every file under the data directory, while running and after stop; the control scan finds the clear ids',
  profile: 'fast',
  timeoutMs: 60_000,
  async run(ctx) {
    const withHealthcare = ctx.availablePilots.includes('healthcare');
    const h = await ctx.boot({ probe: true, pilots: withHealthcare ? ['healthcare'] : [] });
    const f = syntheticFaker(20_251_123);
    const needles: string[] = [TEST_PASSWORD];
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    const operator = await h.as(h.tenants.a.users.operator);
    needles.push(admin.token!, operator.token!);

    // REST: a device label and a user's display name.
    const label = `Lamp post near ${f.location.street()} ${f.string.alphanumeric(6)}`;
    const displayName = `${f.person.fullName()} ${f.string.alpha(6)}`;
    const newPassword = `${f.internet.password({ length: 20 })}-Aa1`;
    needles.push(label, displayName, newPassword);
    const created = await admin.post('/api/v1/devices', { id: 'labelled-dev-1', kind: 'probe-sensor', label });
    needles.push(created.body.secret as string);
    await admin.post('/api/v1/users', { username: 'scan-user-1', password: newPassword, role: 'operator', displayName });

    // MQTT: telemetry with a distinctive value and note, and a command with a distinctive payload.
    const [probe] = await provisionProbes(h, 'a', 'scan-probe', 1);
    needles.push(probe!.secret);
    const values = Array.from({ length: 5 }, () => f.number.float({ min: 100_000, max: 999_999, fractionDigits: 3 }));
    const notes = values.map(() => `${f.word.adjective()} ${f.word.noun()} ${f.string.alphanumeric(6)}`);
    needles.push(...values.map(String), ...notes);
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${h.platform.mqttPort}`, {
      ...deviceCreds(probe!),
      reconnectPeriod: 0,
    });
    ctx.defer(() => client.endAsync(true));
    for (const [i, v] of values.entries()) {
      await client.publishAsync(`tenants/tenant-a/devices/${probe!.id}/telemetry`, JSON.stringify({ ts: Date.now(), value: v, note: notes[i] }), { qos: 1 });
    }
    const commandText = `Reduce to level ${f.string.alphanumeric(8)}`;
    needles.push(commandText);
    await operator.post('/api/v1/commands', { deviceId: probe!.id, name: 'note', payload: { text: commandText } });

    // Healthcare: enrolment with full synthetic identity, consent note, a message to the hub.
    let patients = 0;
    if (withHealthcare) {
      for (let i = 0; i < 3; i++) {
        const person = syntheticPerson(f, i);
        const consentNote = `Consent witnessed by ${f.person.lastName()} ${f.string.alpha(6)}`;
        const res = await operator.post(`${HC}/patients`, { ...person, consent: { status: 'given', note: consentNote } });
        if (res.status !== 201) throw new Error(`enrolment failed: ${res.status} ${JSON.stringify(res.body)}`);
        const message = `Please call ${f.phone.number()} ${f.string.alpha(6)}`;
        await operator.post(`${HC}/patients/${res.body.id as string}/messages`, { kind: 'message', text: message });
        needles.push(...personNeedles(person), consentNote, message);
        patients++;
      }
    }

    // Read back through the API: the values were really stored, not dropped.
    const readBack = (await admin.get('/api/v1/devices/labelled-dev-1')).body?.label === label;

    const dir = h.config.dataDir;
    const running = scanDir(dir, needles);
    const filesRunning = listFiles(dir).map((p) => basename(p));
    await h.platform.stop();
    const stopped = scanDir(dir, needles);
    const files = listFiles(dir);
    const control = scanDir(dir, ['labelled-dev-1', probe!.id]);
    const hits = [...running, ...stopped];
    const short = needles.filter((n) => n.length < 6).length;
    return {
      measured: hits.length,
      unit: 'hits',
      pass: hits.length === 0 && control.length > 0 && readBack && short === 0,
      evidence: {
        needles: needles.length,
        needlesShorterThan6Bytes: short,
        patientsEnrolled: patients,
        filesScannedWhileRunning: filesRunning,
        filesScannedAfterStop: files.map((p) => basename(p)),
        bytesScanned: files.reduce((n, p) => n + statSync(p).size, 0),
        // Hits name the file and the needle's index, never the value itself.
        hits: hits.map((x) => ({ file: basename(x.file), needle: needles.indexOf(x.needle) })),
        controlHits: control.length,
        readBackThroughApi: readBack,
        encodingsScanned: ['utf8', 'utf16le'],
      },
    };
  },
};
