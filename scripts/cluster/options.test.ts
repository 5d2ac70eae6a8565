import { describe, expect, it } from 'vitest';
import { parseClusterOptions } from './options.ts';

describe('parseClusterOptions', () => {
  const ok: { argv: string[]; expected: Record<string, unknown> }[] = [
    { argv: [], expected: { nodes: 3, dir: './data-cluster', httpPort: 8080, mqttPort: 1883, demo: true, reset: false } },
    { argv: ['--nodes', '5'], expected: { nodes: 5 } },
    { argv: ['--nodes=1', '--no-demo'], expected: { nodes: 1, demo: false } },
    { argv: ['--store-url', 'postgres://u:p@db.example:5432/c'], expected: { storeUrl: 'postgres://u:p@db.example:5432/c' } },
    { argv: ['--http-port', '9080', '--mqtt-port', '9883', '--dir', '/srv/c'], expected: { httpPort: 9080, mqttPort: 9883, dir: '/srv/c' } },
    { argv: ['--reset', '-h'], expected: { reset: true, help: true } },
  ];
  for (const c of ok) {
    it(`accepts ${c.argv.join(' ') || '(no flags)'}`, () => {
      const r = parseClusterOptions(c.argv);
      expect(r.ok && r.options).toMatchObject(c.expected);
    });
  }

  const bad: { argv: string[]; error: RegExp }[] = [
    { argv: ['--nodes', '0'], error: /^--nodes: / },
    { argv: ['--nodes', '17'], error: /^--nodes: / },
    { argv: ['--nodes', 'three'], error: /^--nodes: / },
    { argv: ['--store-url', 'mongodb://x/y'], error: /^--store-url: must start with postgres/ },
    { argv: ['--http-port', '70000'], error: /^--http-port: / },
    { argv: ['--http-port', '1883'], error: /^--mqtt-port: the front needs two different ports/ },
    { argv: ['--bogus'], error: /bogus/ },
    { argv: ['extra'], error: /extra|positional/i },
  ];
  for (const c of bad) {
    it(`refuses ${c.argv.join(' ')}`, () => {
      const r = parseClusterOptions(c.argv);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(c.error);
    });
  }
});
