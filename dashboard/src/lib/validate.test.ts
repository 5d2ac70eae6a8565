import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { T } from '../i18n/index.tsx';
import { en } from '../i18n/en.ts';
import { translate } from '../i18n/translate.ts';
import { setZodLocale } from './zod-setup.ts';
import { tenantInputSchema } from '../../../platform/tenancy/tenants.ts';
import { checkBody, scheduleInput, schemaMessage } from './validate.ts';

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

describe('user and device forms use the API schemas', () => {
  it('a short password and a bad device id are refused with the API wording; good input passes', async () => {
    const { userCreateSchema, deviceCreateSchema } = await import('../../../platform/identity/schemas.ts');
    expect(() => checkBody(userCreateSchema, { username: 'nurse.one', password: 'short', role: 'operator' })).toThrow(/^invalid body: password: at least 12 characters/);
    expect(() => checkBody(userCreateSchema, { username: 'nurse.one', password: 'long-enough-password', role: 'platform-admin' })).toThrow(/^invalid body: role/);
    expect(() => checkBody(userCreateSchema, { username: 'nurse.one', password: 'long-enough-password', role: 'operator' })).not.toThrow();
    expect(() => checkBody(deviceCreateSchema, { id: 'Bad Id', kind: 'lamp' })).toThrow(/^invalid body: id: lowercase letters/);
    expect(() => checkBody(deviceCreateSchema, { id: 'lamp-0001', kind: 'lamp' })).not.toThrow();
  });
});

describe('in the user’s language', () => {
  const it_: T = (key, params) => translate('it', key, params);
  afterEach(() => setZodLocale('en'));

  it('a schema’s own message and zod’s are both in Italian once the console speaks it', async () => {
    const { userCreateSchema } = await import('../../../platform/identity/schemas.ts');
    setZodLocale('it');
    expect(() => checkBody(userCreateSchema, { username: 'nurse.one', password: 'short', role: 'operator' }, it_)).toThrow('dati non validi: password: almeno 12 caratteri');
    // zod's own wording (a missing field), from its Italian locale.
    expect(() => checkBody(userCreateSchema, { password: 'long-enough-password', role: 'operator' }, it_)).toThrow(/^dati non validi: username: Input non valido/);
    setZodLocale('en');
    expect(() => checkBody(userCreateSchema, { password: 'long-enough-password', role: 'operator' })).toThrow(/^invalid body: username: Invalid input/);
  });

  it('every schema message the dictionaries translate is one a schema really says, word for word', async () => {
    const sources = await Promise.all(['platform/identity/schemas.ts', 'platform/tenancy/tenant-schema.ts', 'pilots/healthcare/model.ts', 'platform/policy/agreement-terms.ts'].map((f) => readFile(new URL(`../../../${f}`, import.meta.url), 'utf8')));
    for (const text of Object.values(en.schemaMessage.known)) expect(sources.some((s) => s.includes(`'${text}'`)), text).toBe(true);
  });

  it('a message the dictionaries lack shows as the API words it', () => {
    expect(schemaMessage('a brand-new rule', it_)).toBe('a brand-new rule');
    expect(schemaMessage('at least 12 characters', it_)).toBe('almeno 12 caratteri');
  });
});
