// Seeded synthetic people and values for the scenarios (never real names or identifiers). Values
// that a raw scan looks for are at least 6 bytes long, so that random ciphertext cannot contain
// one by chance (a given 6-byte string turns up in a few megabytes of random bytes with odds of
// about one in ten million).
import { Faker, base, en } from '@faker-js/faker';

export interface SyntheticPerson {
  identifier: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  sex: 'female' | 'male' | 'other' | 'unknown';
  address: { line: string[]; city: string; postalCode: string; country: string };
  careTeam: string[];
}

export function syntheticFaker(seed: number): Faker {
  const f = new Faker({ locale: [en, base] });
  f.seed(seed);
  return f;
}

/** A synthetic patient whose every personal field is distinctive enough to scan for. */
export function syntheticPerson(f: Faker, index: number): SyntheticPerson {
  const pad = (s: string) => (s.length >= 6 ? s : `${s}${f.string.alpha({ length: 6 - s.length, casing: 'lower' })}`);
  return {
    identifier: `SYN-${f.string.numeric(6)}-${index}`,
    givenName: pad(f.person.firstName()),
    familyName: pad(f.person.lastName()),
    birthDate: f.date.birthdate({ mode: 'age', min: 60, max: 95 }).toISOString().slice(0, 10),
    sex: f.helpers.arrayElement(['female', 'male'] as const),
    address: { line: [f.location.streetAddress()], city: pad(f.location.city()), postalCode: f.location.zipCode('#####'), country: 'Synthland' },
    careTeam: [`Dr ${f.person.lastName()} ${f.string.alpha({ length: 4, casing: 'upper' })}`],
  };
}

/** Personal values of a person a raw scan must never find in clear. */
export function personNeedles(p: SyntheticPerson): string[] {
  return [p.identifier, p.givenName, p.familyName, `${p.givenName} ${p.familyName}`, p.birthDate, ...p.address.line, p.address.city, ...p.careTeam];
}
