import { describe, expect, it } from 'vitest';
import { benchTargets, parseOptions } from './options.ts';

describe('bench targets', () => {
  const cases: { argv: string[]; targets: string[] }[] = [
    { argv: [], targets: ['aedes', 'mosquitto', 'custodia'] },
    { argv: ['--store', 'postgres'], targets: ['custodia', 'custodia-pg'] },
    { argv: ['--nodes', '2'], targets: ['custodia-pg', 'custodia-cluster'] },
    { argv: ['--nodes', '1'], targets: ['aedes', 'mosquitto', 'custodia'] },
    { argv: ['--only', 'custodia-cluster', '--nodes', '3'], targets: ['custodia-cluster'] },
    { argv: ['--only', 'aedes', '--store', 'postgres'], targets: ['aedes'] },
  ];
  for (const c of cases) {
    it(`${c.argv.join(' ') || '(no flags)'} → ${c.targets.join(', ')}`, () => {
      const r = parseOptions(c.argv);
      expect(r.ok).toBe(true);
      if (r.ok) expect(benchTargets(r.options)).toEqual(c.targets);
    });
  }
  it('takes the alarm phase load share in percent, 80 unless told, 10-100 only', () => {
    const d = parseOptions([]);
    expect(d.ok && d.options.alarmLoad).toBe(80);
    const r = parseOptions(['--alarm-load', '50']);
    expect(r.ok && r.options.alarmLoad).toBe(50);
    for (const bad of ['5', '101', 'half']) expect(parseOptions(['--alarm-load', bad]).ok).toBe(false);
  });

  it('refuses --nodes outside 1-8 naming the flag', () => {
    for (const n of ['0', '9', 'two']) {
      const r = parseOptions(['--nodes', n]);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/^--nodes: /);
    }
  });
});
