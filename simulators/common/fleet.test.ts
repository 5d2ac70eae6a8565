import { chmod, mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../../platform/logger.ts';
import { obtainFleet } from './cli.ts';
import { fleetSchema, FleetError, loadFleet, problemReporter, provisionFleet, writeFleet } from './fleet.ts';

const schema = fleetSchema('demo', z.object({ things: z.array(z.string()) }));
const device = (id: string, tenantId = 'tenant-a') => ({ id, kind: 'gadget', secret: `s-${id}`, tenantId, attributes: {}, subject: null });
const valid = { tenantId: 'tenant-a', pilot: 'demo', devices: [device('dev-1'), device('dev-2')], extra: { things: ['x'] } };
const dir = () => mkdtemp(join(tmpdir(), 'sim-fleet-'));
const silent = createLogger('silent');

describe('fleet files', () => {
  it('are written 0600 (in a 0700 directory) and read back identical', async () => {
    const file = join(await dir(), 'nested', 'fleet.json');
    await writeFleet(file, valid);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(file, '..'))).mode & 0o777).toBe(0o700);
    const { fleet, warning } = await loadFleet(file, schema);
    expect(warning).toBeNull();
    expect(fleet).toEqual(valid);
  });

  it('a fleet file others can read loads with a warning naming its mode', async () => {
    const file = join(await dir(), 'fleet.json');
    await writeFleet(file, valid);
    await chmod(file, 0o644);
    expect((await loadFleet(file, schema)).warning).toMatch(/has mode 644; use 600/);
  });

  it.each([
    { name: 'not JSON', content: '{nope', error: /is not valid JSON/ },
    { name: 'a missing secret', content: { ...valid, devices: [{ ...device('dev-1'), secret: undefined }] }, error: /devices\.0\.secret/ },
    { name: 'another pilot', content: { ...valid, pilot: 'lighting' }, error: /pilot/ },
    { name: 'a device of another tenant', content: { ...valid, devices: [device('dev-1', 'tenant-b')] }, error: /devices\.0\.tenantId: differs from the fleet tenant/ },
    { name: 'a duplicate device', content: { ...valid, devices: [device('dev-1'), device('dev-1')] }, error: /devices\.1\.id: duplicate device id/ },
    { name: 'a wildcard in a device id', content: { ...valid, devices: [device('dev/+')] }, error: /devices\.0\.id: a device id must be usable as one MQTT topic level/ },
    { name: 'no devices', content: { ...valid, devices: [] }, error: /devices/ },
  ])('refuses a fleet with $name, in one line', async ({ content, error }) => {
    const file = join(await dir(), 'fleet.json');
    await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
    const err = await loadFleet(file, schema).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FleetError);
    expect((err as Error).message).toMatch(error);
    expect((err as Error).message).not.toContain('\n');
  });

  it('a missing file is a clear error', async () => {
    await expect(loadFleet('/definitely/not/here.json', schema)).rejects.toThrow('fleet file not found: /definitely/not/here.json');
  });
});

describe('provisioning through the platform API', () => {
  function fakePlatform(opts: { loginStatus?: number; provisionStatus?: number } = {}) {
    const calls: { url: string; auth: string | null; body: unknown }[] = [];
    const fetchImpl = (async (url: string | URL, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      calls.push({ url: String(url), auth: headers.get('authorization'), body: init?.body ? JSON.parse(String(init.body)) : null });
      const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
      if (String(url).endsWith('/auth/token')) {
        return opts.loginStatus ? json(opts.loginStatus, { title: 'Unauthorized', detail: 'wrong username or password' }) : json(200, { token: 'tok-123', tokenType: 'Bearer' });
      }
      if (String(url).endsWith('/auth/logout')) return new Response(null, { status: 204 });
      if (opts.provisionStatus) return json(opts.provisionStatus, { title: 'Forbidden', detail: 'not allowed for this principal' });
      return json(201, { tenantId: 'tenant-a', pilot: 'demo', devices: valid.devices, extra: valid.extra });
    }) as typeof fetch;
    return { calls, fetchImpl };
  }

  it('logs in for a bearer token, provisions, logs out, and writes the fleet 0600', async () => {
    const { calls, fetchImpl } = fakePlatform();
    const out = join(await dir(), 'fleets', 'new.json');
    const { fleet, file } = await obtainFleet({
      pilot: 'demo',
      schema,
      flags: { api: 'http://platform.test/', user: 'care-tenant-admin', seed: 7, out },
      provisionBody: { patients: 3, seed: 7 },
      env: { CUSTODIA_PASSWORD: 'pw-from-env' },
      logger: silent,
      fetch: fetchImpl,
    });
    expect(calls.map((c) => c.url)).toEqual([
      'http://platform.test/api/v1/auth/token',
      'http://platform.test/api/v1/pilots/demo/demo/provision',
      'http://platform.test/api/v1/auth/logout',
    ]);
    expect(calls[0]!.body).toEqual({ username: 'care-tenant-admin', password: 'pw-from-env' });
    expect(calls[1]).toMatchObject({ auth: 'Bearer tok-123', body: { patients: 3, seed: 7 } });
    expect(file).toBe(out);
    expect(fleet.devices).toHaveLength(2);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
  });

  it.each([
    { opts: { loginStatus: 401 }, error: 'login as u failed: 401 wrong username or password' },
    { opts: { provisionStatus: 403 }, error: 'provisioning a demo fleet failed: 403 not allowed for this principal' },
  ])('reports a refusal in one line: $error', async ({ opts, error }) => {
    const { fetchImpl } = fakePlatform(opts);
    await expect(provisionFleet({ api: 'http://p', username: 'u', password: 'p', pilot: 'demo', body: {}, fetch: fetchImpl })).rejects.toThrow(error);
  });

  it('an unreachable platform is named', async () => {
    const fetchImpl = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    await expect(provisionFleet({ api: 'http://p', username: 'u', password: 'p', pilot: 'demo', body: {}, fetch: fetchImpl })).rejects.toThrow(
      'cannot reach the platform at http://p: fetch failed',
    );
  });
});

describe('problem reporter', () => {
  it('warns once per distinct problem per window, then says how many devices had it', () => {
    const lines: { obj: Record<string, unknown>; msg: string }[] = [];
    const logger = { warn: (obj: Record<string, unknown>, msg: string) => lines.push({ obj, msg }) } as unknown as Parameters<typeof problemReporter>[0];
    let now = 0;
    const report = problemReporter(logger, 60_000, () => now);
    for (let i = 0; i < 1000; i++) report('mqtt: connect ECONNREFUSED', `dev-${i}`);
    report('mqtt: Connection refused: Bad username or password', 'dev-7');
    now = 61_000;
    report('mqtt: connect ECONNREFUSED', 'dev-3');
    expect(lines.map((l) => l.msg)).toEqual([
      'mqtt: connect ECONNREFUSED',
      'mqtt: Connection refused: Bad username or password',
      'mqtt: connect ECONNREFUSED',
    ]);
    expect(lines[2]!.obj).toMatchObject({ devicesInLastWindow: 1000 });
  });
});
