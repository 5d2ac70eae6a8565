// The rule behind the console's confirmations (components/ConfirmAction.tsx): an irreversible
// action is enabled only when the person has typed the exact name or id of what it acts on, so it
// is never one stray click. Surrounding spaces are forgiven (pasting often adds them); case is not,
// because ids are case-sensitive and a near miss should not pass.

export type ConfirmPhase = 'confirm' | 'running' | 'done' | 'failed';

/** Whether the typed text confirms the action; no required text means a plain confirmation. */
export function typedConfirms(expected: string | undefined, typed: string): boolean {
  if (expected === undefined) return true;
  const want = expected.trim();
  return want.length > 0 && typed.trim() === want;
}

/** The next phase after the action settles: success shows the result, an error keeps the form. */
export function settle(ok: boolean): ConfirmPhase {
  return ok ? 'done' : 'failed';
}
