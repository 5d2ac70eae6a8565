// Raw scan of every byte under a directory: the evidence for encryption at rest.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface ScanHit {
  file: string;
  needle: string;
}

export function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(p));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

/** Every (file, needle) pair where the needle's bytes (UTF-8, and UTF-16LE for strings) occur. */
export function scanDir(dir: string, needles: (string | Buffer)[]): ScanHit[] {
  const hits: ScanHit[] = [];
  const forms = needles.map((n) => ({
    label: typeof n === 'string' ? n : n.toString('hex'),
    bytes: typeof n === 'string' ? [Buffer.from(n, 'utf8'), Buffer.from(n, 'utf16le')] : [n],
  }));
  for (const file of listFiles(dir)) {
    if (statSync(file).size === 0) continue;
    const data = readFileSync(file);
    for (const f of forms) if (f.bytes.some((b) => data.includes(b))) hits.push({ file, needle: f.label });
  }
  return hits;
}
