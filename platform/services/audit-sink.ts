// What services need of the audit log: record an event in a chain (a tenant id or "_platform").
// The real implementation is platform/audit; unit tests pass an array-backed fake.
import type { AuditEvent } from '../audit/log.ts';

// One audit event shape, declared beside the log that checks it.
export type { AuditEvent };

export interface AuditSink {
  record(scope: string, event: AuditEvent): Promise<unknown>;
}
