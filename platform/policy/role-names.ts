// The five roles of the design (docs/architecture.md "People and roles"). A pure module, so the dashboard
// can import the names and the forms' schemas without any server code.
export type Role = 'platform-admin' | 'tenant-admin' | 'operator' | 'auditor' | 'evaluator';
export const ROLES: readonly Role[] = ['platform-admin', 'tenant-admin', 'operator', 'auditor', 'evaluator'];
