// A copy of the measured code tree (platform/attest/measure.ts MEASURED_PATHS) in a temporary
// directory, for the attestation tests and scenario: they alter the copy, never the repository.
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { MEASURED_PATHS, SKIPPED_DIRS } from '../../platform/attest/measure.ts';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');

export function copyCodeTree(dest: string, root = REPO_ROOT): string {
  for (const p of MEASURED_PATHS) {
    const from = join(root, p);
    if (!existsSync(from)) continue;
    cpSync(from, join(dest, p), {
      recursive: true,
      preserveTimestamps: true,
      verbatimSymlinks: true,
      filter: (src) => !SKIPPED_DIRS.has(src.slice(src.lastIndexOf('/') + 1)),
    });
  }
  return dest;
}
