// The roles of the design (docs/architecture.md "People and roles"), with the tenant's data
// protection officer who signs sharing agreements (docs/security.md "Signed agreements"). A pure module, so the dashboard
// can import the names and the forms' schemas without any server code.
export type Role = 'platform-admin' | 'tenant-admin' | 'operator' | 'auditor' | 'evaluator' | 'dpo';
export const ROLES: readonly Role[] = ['platform-admin', 'tenant-admin', 'operator', 'auditor', 'evaluator', 'dpo'];
