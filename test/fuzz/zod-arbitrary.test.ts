import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { conforming, hostile, toJsonText } from './zod-arbitrary.ts';

// Shapes like the routes' schemas: the generators must produce what they accept, or the REST
// fuzzer would only ever exercise the 400 path.
const schemas = {
  device: z.strictObject({ id: z.string().min(3).max(64).regex(/^[a-z0-9][a-z0-9-]*$/), kind: z.enum(['a', 'b']), label: z.string().max(80).optional() }),
  query: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50), from: z.iso.datetime().optional() }),
  nested: z.object({ ids: z.array(z.uuid()).min(1).max(10), target: z.union([z.object({ lampId: z.string() }), z.object({ groupId: z.string() })]), note: z.string().nullable() }),
  scalar: z.object({ n: z.number().int().nonnegative(), b: z.boolean(), e: z.email(), at: z.literal('x') }),
};

describe('zod-derived arbitraries for the fuzzers', () => {
  it.each(Object.entries(schemas))('conforming values of %s are accepted by the schema', (_name, schema) => {
    const values = fc.sample(conforming(schema), { seed: 1, numRuns: 200 });
    const accepted = values.filter((v) => schema.safeParse(JSON.parse(toJsonText(v))).success).length;
    expect(accepted).toBe(200);
  });

  it('hostile values are mostly refused by the schema, and all serialise to JSON', () => {
    const values = fc.sample(hostile(schemas.device), { seed: 2, numRuns: 300 });
    const texts = values.map(toJsonText);
    const refused = texts.filter((t) => !schemas.device.safeParse(JSON.parse(t)).success).length;
    expect(refused).toBeGreaterThan(200);
  });

  it('raw number text survives serialisation (1e309 reaches the parser as Infinity)', () => {
    const text = toJsonText({ n: '\u0000raw:' + Buffer.from('1e309').toString('base64') + '\u0000' });
    expect(text).toBe('{"n":1e309}');
    expect(JSON.parse(text).n).toBe(Infinity);
  });
});
