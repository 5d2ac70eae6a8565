// Text that people type and others see (labels, names, titles, notes). Control characters, bidi
// overrides and isolates, line separators and lone surrogates are refused (ASVS 5.1.3, 5.1.4):
// they hide or reorder what a reader sees (`invoice‮txt.exe`), end strings early in C consumers
// (NUL), and break JSON and log consumers (lone surrogates).
import { z } from 'zod';

/** C0/C1 controls, bidi embeddings/overrides/isolates/marks, line and paragraph separators, lone surrogates. */
const UNSAFE = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\u2028\u2029\p{Cs}]/u;
/** The same, but line feeds and tabs are allowed (multi-line notes). */
const UNSAFE_MULTILINE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\u2028\u2029\p{Cs}]/u;

export const isSafeLabel = (s: string) => !UNSAFE.test(s);
export const isSafeNote = (s: string) => !UNSAFE_MULTILINE.test(s);

const MESSAGE = 'must not contain control, bidi or unpaired surrogate characters';

/** A one-line label: trimmed, `min`–`max` characters, no unsafe characters. */
export const labelSchema = (min: number, max: number) => z.string().trim().min(min).max(max).refine(isSafeLabel, MESSAGE);

/** A free-text note: line feeds and tabs allowed, other unsafe characters refused. */
export const noteSchema = (max: number) => z.string().trim().max(max).refine(isSafeNote, MESSAGE);
