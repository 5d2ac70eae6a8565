// The first few problems of a zod error as one line: the detail of a 400 problem, and the message
// a dashboard form shows. Pure (zod's types only), imported by the browser too.
import type { ZodError } from 'zod';

export function zodDetail(err: ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => {
      const where = i.path.length ? i.path.join('.') : '(root)';
      return `${where}: ${i.message}`;
    })
    .join('; ');
}
