import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { haproxyConfig, type HaproxyConfigInput } from './haproxy-config.ts';

const node = (i: number) => ({ name: `node-${i}`, host: '127.0.0.1', httpPort: 9000 + i, mqttPort: 9100 + i });
const base: HaproxyConfigInput = { nodes: [node(1), node(2), node(3)], httpPort: 8080, mqttPort: 1883 };

/** The lines of one section (`backend mqtt_nodes` …) up to the next blank line. */
function section(cfg: string, header: string): string[] {
  const lines = cfg.split('\n');
  const start = lines.indexOf(header);
  expect(start, `section ${header}`).toBeGreaterThanOrEqual(0);
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end).map((l) => l.trim());
}

describe('haproxyConfig', () => {
  const cases: { name: string; input: HaproxyConfigInput; header: string; has: string[]; hasNot?: string[] }[] = [
    {
      name: 'MQTT in TCP mode on the front port',
      input: base,
      header: 'frontend mqtt_in',
      has: ['mode tcp', 'bind 127.0.0.1:1883', 'timeout client 900s', 'default_backend mqtt_nodes'],
    },
    {
      name: 'MQTT nodes by least connections, checked on their HTTP /readyz, sessions kept when merely unready',
      input: base,
      header: 'backend mqtt_nodes',
      has: [
        'mode tcp',
        'balance leastconn',
        'http-check send meth GET uri /readyz',
        'http-check expect status 200',
        'server node-1 127.0.0.1:9101 check inter 2000 fall 3 rise 2 port 9001',
        'server node-3 127.0.0.1:9103 check inter 2000 fall 3 rise 2 port 9003',
      ],
      hasNot: ['default-server on-marked-down shutdown-sessions'],
    },
    {
      name: 'HTTP in HTTP mode with X-Forwarded-For',
      input: base,
      header: 'frontend http_in',
      has: ['mode http', 'bind 127.0.0.1:8080', 'option forwardfor'],
    },
    {
      name: 'HTTP nodes sticky by cookie (socket.io polling), checked on /readyz',
      input: base,
      header: 'backend http_nodes',
      has: [
        'mode http',
        'cookie CUSTODIA_NODE insert indirect nocache httponly attr "SameSite=Strict"',
        'http-check send meth GET uri /readyz',
        'server node-2 127.0.0.1:9002 cookie node-2 check inter 2000 fall 3 rise 2',
      ],
      hasNot: ['cookie CUSTODIA_NODE insert indirect nocache httponly secure attr "SameSite=Strict"'],
    },
    {
      name: 'a Secure cookie when the front is behind TLS',
      input: { ...base, secureCookie: true },
      header: 'backend http_nodes',
      has: ['cookie CUSTODIA_NODE insert indirect nocache httponly secure attr "SameSite=Strict"'],
    },
    {
      name: 'faster checks and another bind address',
      input: { ...base, nodes: [node(1)], bind: '0.0.0.0', checkIntervalMs: 500, fall: 1, rise: 1, mqttIdleTimeoutS: 120 },
      header: 'backend mqtt_nodes',
      has: ['server node-1 127.0.0.1:9101 check inter 500 fall 1 rise 1 port 9001', 'timeout server 120s'],
    },
    {
      name: 'failed nodes are redispatched',
      input: base,
      header: 'defaults',
      has: ['option redispatch', 'timeout tunnel 1h', 'timeout check 5000ms'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const lines = section(haproxyConfig(c.input), c.header);
      for (const l of c.has) expect(lines).toContain(l);
      for (const l of c.hasNot ?? []) expect(lines).not.toContain(l);
    });
  }

  const invalid: { name: string; input: unknown; message: RegExp }[] = [
    { name: 'no node', input: { ...base, nodes: [] }, message: /nodes/ },
    { name: 'duplicate node names', input: { ...base, nodes: [node(1), node(1)] }, message: /duplicate node name node-1/ },
    { name: 'one port for both fronts', input: { ...base, mqttPort: 8080 }, message: /two different ports/ },
    { name: 'a name that would inject a directive', input: { ...base, nodes: [{ ...node(1), name: 'x\n  server evil 10.0.0.1:1' }] }, message: /letters, digits/ },
    { name: 'a port out of range', input: { ...base, httpPort: 70_000 }, message: /httpPort|65535/ },
  ];
  for (const c of invalid) {
    it(`refuses ${c.name}`, () => {
      expect(() => haproxyConfig(c.input as HaproxyConfigInput)).toThrow(c.message);
    });
  }

  const haproxy = spawnSync('haproxy', ['-v'], { stdio: 'ignore' }).status === 0;
  if (!haproxy) console.warn('skipped: haproxy is not installed (Debian package haproxy); the syntax check needs it');
  it.skipIf(!haproxy)('is accepted by haproxy -c', () => {
    const dir = mkdtempSync(join(tmpdir(), 'custodia-haproxy-'));
    try {
      const file = join(dir, 'haproxy.cfg');
      writeFileSync(file, haproxyConfig(base));
      const res = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8' });
      expect(res.status, res.stderr + res.stdout).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
