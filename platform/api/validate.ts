// zod at every boundary: bodies, params and query strings are parsed, never trusted.
import type { Request } from 'express';
import type { ZodType } from 'zod';
import { badRequest } from '../errors.ts';
import { zodDetail } from './zod-detail.ts';

// Pure, shared with the dashboard's forms.
export { zodDetail } from './zod-detail.ts';


function parse<T>(schema: ZodType<T>, value: unknown, where: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw badRequest(`invalid ${where}: ${zodDetail(r.error)}`);
  return r.data;
}

export const body = <T>(req: Request, schema: ZodType<T>): T => parse(schema, req.body ?? {}, 'body');
export const query = <T>(req: Request, schema: ZodType<T>): T => parse(schema, req.query, 'query');
export const params = <T>(req: Request, schema: ZodType<T>): T => parse(schema, req.params, 'path parameter');
