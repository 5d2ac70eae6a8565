// The audit log's public API (docs/architecture.md promise 4: accountability).
export { GENESIS_HASH, canonicalJson, checkpointPayload, entryHash, type AuditEntryFields } from './hash.ts';
export {
  verifyChain,
  toEd25519PublicKey,
  type ChainBreak,
  type ChainBroken,
  type ChainVerdict,
  type ChainVerified,
  type VerifyChainInput,
} from './verify.ts';
export {
  AUDIT_SIGNING_CONTEXT,
  AUDIT_SIGNING_SCOPE,
  AUDIT_SIGNING_VERSION,
  PUBLIC_KEY_FILE,
  auditKeyId,
  createAuditSigner,
  loadOrCreateAuditSigner,
  type AuditSigner,
  type LoadAuditSignerOptions,
} from './signer.ts';
export {
  AuditDetailsError,
  PERSONAL_DATA_KEYS,
  assertAuditScope,
  assertNoPersonalData,
  createAudit,
  prepareAuditEvent,
  type Audit,
  type AuditEvent,
  type AuditListQuery,
  type AuditOutcome,
  type AuditPage,
  type AuditStore,
  type CreateAuditOptions,
} from './log.ts';
export { SUPPRESSED_ACTION, createAuditLimiter, type AuditLimiter, type AuditLimiterOptions } from './limiter.ts';
