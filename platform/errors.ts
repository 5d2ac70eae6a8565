// Typed errors that the API's single error handler turns into application/problem+json
// (RFC 9457). Anything else becomes a generic 500 that leaks nothing.

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
  get detail(): string {
    return this.message;
  }
}

export const badRequest = (detail: string, extra?: Record<string, unknown>) =>
  new AppError(400, 'Bad Request', detail, extra);
export const unauthorized = (detail = 'authentication required') => new AppError(401, 'Unauthorized', detail);
export const forbidden = (detail = 'not allowed for this principal') => new AppError(403, 'Forbidden', detail);
export const notFound = (detail = 'no such resource') => new AppError(404, 'Not Found', detail);
export const conflict = (detail: string) => new AppError(409, 'Conflict', detail);
export const gone = (detail: string) => new AppError(410, 'Gone', detail);
export const tooMany = (detail: string, retryAfterSeconds?: number) =>
  new AppError(429, 'Too Many Requests', detail, retryAfterSeconds ? { retryAfter: retryAfterSeconds } : {});
export const unavailable = (detail: string) => new AppError(503, 'Service Unavailable', detail);

/** Raised by the keyring when a subject's key was shredded: the data is erased, not corrupt. */
export class ErasedError extends AppError {
  override name = 'ErasedError';
  constructor(readonly subject: string) {
    super(410, 'Gone', `data of subject ${subject} was erased (its key was destroyed)`);
  }
}

/** Raised when data is read or written with no tenant context: a programming error, fail loudly. */
export class NoTenantContextError extends Error {
  override name = 'NoTenantContextError';
  constructor(what: string) {
    super(`${what} needs a tenant context; none is active`);
  }
}

/** A write by a node whose lease on a once-across-the-cluster job has passed to another node
 *  (fencing, docs/architecture.md "Cluster mode"): nothing was written; the new holder carries on. */
export class StaleLeaseError extends Error {
  override name = 'StaleLeaseError';
}
