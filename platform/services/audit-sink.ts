// What services need of the audit log: record an event in a chain (a tenant id or "_platform").
// The real implementation is platform/audit; unit tests pass an array-backed fake.
export interface AuditEvent {
  actor: string;
  action: string;
  target: string;
  outcome: 'success' | 'failure' | 'denied';
  details?: Record<string, unknown>;
}

export interface AuditSink {
  record(scope: string, event: AuditEvent): Promise<unknown>;
}
