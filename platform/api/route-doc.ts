// What a route declares about itself for the API contract (docs/integration.md "API contract"):
// `doc({...})` sits on the route's own line, between the guard and the handler, and carries the
// zod schemas the handler validates with and the schemas of its answers. It does nothing at
// request time; platform/api/openapi.ts reads it back from the express router to build the
// OpenAPI document, so the contract is generated from the routes and cannot drift into a
// hand-written spec.
import type { RequestHandler } from 'express';
import { z, type ZodType } from 'zod';

/** One answer of a route: a JSON schema (zod), or none (e.g. 204), with its media type. */
export interface ResponseDoc {
  description: string;
  schema?: ZodType;
  /** Default application/json. */
  contentType?: string;
}

export interface RouteDoc {
  summary: string;
  tags?: string[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: ZodType;
  /** Status → answer; a bare schema means a JSON answer described by the summary. */
  responses: Record<number, ZodType | ResponseDoc>;
  /** Reachable without a token (login, the contract itself). */
  public?: boolean;
}

const DOC = Symbol.for('custodia.route-doc');
const PERMISSION = Symbol.for('custodia.route-permission');

type Tagged = RequestHandler & { [DOC]?: RouteDoc; [PERMISSION]?: string[] };

/** A no-op middleware carrying the route's documentation. */
export function doc(d: RouteDoc): RequestHandler {
  const h: Tagged = (_req, _res, next) => next();
  h[DOC] = d;
  return h;
}

export const docOf = (h: unknown): RouteDoc | undefined => (h as Tagged | undefined)?.[DOC];

/** Marks a guard with the permissions it checks (api/guards.ts), for the contract. */
export function withPermissions<T extends RequestHandler>(h: T, permissions: string[]): T {
  (h as Tagged)[PERMISSION] = permissions;
  return h;
}

export const permissionsOf = (h: unknown): string[] | undefined => (h as Tagged | undefined)?.[PERMISSION];

// ---- shapes shared by many answers ----------------------------------------------------------

/** `{ items: [...] }`, the list answer of every route. */
export const itemsOf = <T extends ZodType>(item: T) => z.object({ items: z.array(item) });

/** An answer whose fields are not (yet) pinned down by a schema: any JSON object. */
export const anyObject = z.looseObject({}).meta({ description: 'a JSON object (fields not pinned by a schema yet)' });

/** application/problem+json (RFC 9457), every error of /api/v1 (platform/api/problem.ts). */
export const problemSchema = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
});

export const noContent: ResponseDoc = { description: 'done, no body' };
