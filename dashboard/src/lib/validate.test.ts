import { describe, expect, it } from 'vitest';
import { tenantInputSchema } from '../../../platform/tenancy/tenants.ts';
import { checkBody, scheduleInput } from './validate.ts';

const steps = [
  { at: { kind: 'astro', event: 'sunset', offsetMinutes: 0 }, level: 100 },
  { at: { kind: 'fixed', time: '06:00' }, level: 0 },
];

describe('checking a form with the API schema before sending it', () => {
  it('lets a valid schedule through', () => {
    expect(() => checkBody(scheduleInput, { name: 'Night', steps, exceptions: [], assignedGroups: [], dayStart: '12:00' })).not.toThrow();
  });

  it.each([
    { what: 'an offset beyond six hours', input: { name: 'Night', steps: [{ at: { kind: 'astro', event: 'sunset', offsetMinutes: 400 }, level: 100 }] }, where: 'steps.0.at.offsetMinutes' },
    { what: 'a level above 100 %', input: { name: 'Night', steps: [{ at: { kind: 'fixed', time: '22:00' }, level: 120 }] }, where: 'steps.0.level' },
    { what: 'no steps at all', input: { name: 'Night', steps: [] }, where: 'steps' },
    { what: 'an empty name', input: { name: '', steps }, where: 'name' },
  ])('refuses $what, naming the field as the API does', ({ input, where }) => {
    expect(() => checkBody(scheduleInput, input)).toThrow(new RegExp(`^invalid body: ${where.replace(/\./g, '\\.')}: `));
  });

  it('refuses a tenant id with capitals, with the registry message', () => {
    expect(() => checkBody(tenantInputSchema, { id: 'North-Care', name: 'North Care', region: 'eu-west', pilots: [] })).toThrow(
      'invalid body: id: lowercase letters, digits and dashes, 2–40 characters, starting with a letter',
    );
  });
});
