// Certificates and keys are configured as PEM text or as the path of a PEM file.
import { readFileSync } from 'node:fs';

export function pem(value: string): string {
  return value.includes('-----BEGIN') ? value : readFileSync(value, 'utf8');
}
