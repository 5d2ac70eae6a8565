// Stopping the platform: a pilot that fails to stop is logged by id, and the rest of the
// shutdown (the other pilots, the broker, the stores) still runs.
import { rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { Router } from 'express';
import { afterAll, expect, it } from 'vitest';
import { testConfig } from '../../platform/config.ts';
import { createLogger } from '../../platform/logger.ts';
import type { Pilot } from '../../platform/pilot.ts';
import { startPlatform } from '../../platform/server.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const pilot = (id: string, stop: () => Promise<void>): Pilot => ({ id, title: id, deviceKinds: [], create: () => ({ routes: Router(), stop }) });

it('a pilot whose stop fails is logged with its id and the error, and shutdown goes on', async () => {
  const lines: { level: number; msg: string; pilot?: string; err?: { message?: string } }[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  const stopped: string[] = [];
  const config = testConfig();
  dirs.push(config.dataDir);
  const platform = await startPlatform(config, {
    logger: createLogger('info', sink),
    pilots: [
      pilot('first', async () => void stopped.push('first')),
      pilot('broken', async () => {
        throw new Error('timer still armed');
      }),
    ],
  });
  await platform.stop();

  const failure = lines.find((l) => l.level === 50 && l.pilot === 'broken');
  expect(failure?.msg).toMatch(/pilot failed to stop/);
  expect(failure?.err?.message).toBe('timer still armed');
  // Pilots stop in reverse order: the one after the failure still stopped, and so did the rest.
  expect(stopped).toEqual(['first']);
  expect(lines.some((l) => l.msg === 'custodia platform stopped')).toBe(true);
});
