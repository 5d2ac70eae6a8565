import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLATFORM_NODE_FLAGS } from './node-flags.ts';

describe('platform node flags', () => {
  it('npm start runs the platform with the same flags as the cluster and the benchmark', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['start']).toBe(`node ${PLATFORM_NODE_FLAGS.join(' ')} --import tsx scripts/start.ts`);
  });
});
