// zod at every boundary: bodies, params and query strings are parsed, never trusted.
import type { Request } from 'express';
import type { ZodError, ZodType } from 'zod';
import { badRequest } from '../errors.ts';

export function zodDetail(err: ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => {
      const where = i.path.length ? i.path.join('.') : '(root)';
      return `${where}: ${i.message}`;
    })
    .join('; ');
}

function parse<T>(schema: ZodType<T>, value: unknown, where: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw badRequest(`invalid ${where}: ${zodDetail(r.error)}`);
  return r.data;
}

export const body = <T>(req: Request, schema: ZodType<T>): T => parse(schema, req.body ?? {}, 'body');
export const query = <T>(req: Request, schema: ZodType<T>): T => parse(schema, req.query, 'query');
export const params = <T>(req: Request, schema: ZodType<T>): T => parse(schema, req.params, 'path parameter');
