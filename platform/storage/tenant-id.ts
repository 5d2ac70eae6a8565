// The tenant id pattern, on its own so pure modules (the tenant schema the dashboard validates
// with) share it with the storage port, which names Node's Buffer and so cannot be imported there.

/** Tenant ids become file and database names: keep them to a safe alphabet. */
export const TENANT_ID_PATTERN = /^[a-z][a-z0-9-]{1,39}$/;
