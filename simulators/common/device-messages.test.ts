import { describe, expect, it } from 'vitest';
import { commandIdOf, readCommand, readErrorNotice, RecentIds } from './device-messages.ts';

const NOW = Date.UTC(2026, 11, 6, 12);
const buf = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

describe('what a simulated device reads from the platform', () => {
  it.each([
    [{ name: 'switch', params: { on: true } }, { command: { id: 'c1', name: 'switch', payload: { on: true }, expiresAt: null } }],
    [{ name: 'ping', expiresAt: NOW + 1 }, { command: { id: 'c1', name: 'ping', payload: {}, expiresAt: NOW + 1 } }],
    ['{not json', { refused: 'command payload is not JSON' }],
    [{ params: {} }, { refused: 'command has no name or malformed params' }],
    [{ name: 'x', params: [1] }, { refused: 'command has no name or malformed params' }],
    [{ name: 'ping', expiresAt: NOW - 1 }, { refused: 'command expired before it reached the device' }],
  ])('%j → %j', (payload, out) => {
    expect(readCommand('c1', buf(payload), NOW)).toEqual(out);
  });

  it('reads a command id only from a commands topic', () => {
    expect(commandIdOf('tenants/t-a/devices/d-1/commands/c-9')).toBe('c-9');
    expect(commandIdOf('tenants/t-a/devices/d-1/errors')).toBeNull();
  });

  it('reads an error notice, or its text when it is not JSON', () => {
    expect(readErrorNotice(buf({ reason: 'schema', topic: 'x' }))).toEqual({ notice: { reason: 'schema', topic: 'x' }, reason: 'schema' });
    expect(readErrorNotice(buf('oops'))).toEqual({ notice: 'oops', reason: 'unknown' });
  });

  it('applies a redelivered command once, remembering the last ids only', () => {
    const seen = new RecentIds(2);
    expect(['a', 'a', 'b', 'c', 'a'].map((id) => seen.first(id))).toEqual([true, false, true, true, true]);
  });
});
