// The one error handler (mounted last): typed errors become application/problem+json
// (RFC 9457); anything unknown is logged and answered with a generic 500 that leaks nothing.
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { ZodError } from 'zod';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { AuditSink } from '../services/audit-sink.ts';
import { zodDetail } from './validate.ts';

export function sendProblem(res: Response, status: number, title: string, detail: string, extra: Record<string, unknown> = {}) {
  if (typeof extra.retryAfter === 'number') res.setHeader('Retry-After', String(extra.retryAfter));
  res
    .status(status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: 'about:blank', title, status, detail, ...extra }));
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, 404, 'Not Found', `no route ${req.method} ${req.path}`);
};

/** Body-parser and similar middleware errors carry a status and a type. */
interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

export type ErrorWriter = (res: Response, status: number, title: string, detail: string, extra?: Record<string, unknown>) => void;

/** `send` writes the answer: problem+json by default, a pilot mount's own format otherwise. */
export function errorHandler(logger: Logger, audit: AuditSink, send: ErrorWriter = sendProblem): ErrorRequestHandler {
  return (err: unknown, req: Request, res: Response, _next) => {
    if (res.headersSent) return;
    if (err instanceof AppError) {
      // Refusals of an authenticated principal are evidence of probing: audit them (promise 4).
      const p = req.principal;
      if (p && (err.status === 403 || err.status === 404)) {
        void audit
          .record(p.tenantId ?? '_platform', {
            actor: p.label,
            action: 'api.refused',
            target: `${req.method} ${req.route?.path ?? req.path}`.slice(0, 200),
            outcome: 'denied',
            details: { status: err.status },
          })
          // The refusal stands either way; a failing audit store must still be seen.
          .catch((auditErr: unknown) => logger.error({ err: auditErr, action: 'api.refused' }, 'audit record failed'));
      }
      return send(res, err.status, err.title, err.detail, err.extra);
    }
    if (err instanceof ZodError) return send(res, 400, 'Bad Request', zodDetail(err));
    const h = err as HttpishError;
    const status = h.status ?? h.statusCode;
    if (status && status >= 400 && status < 500) {
      const detail =
        h.type === 'entity.too.large'
          ? 'request body exceeds the size limit'
          : h.type === 'entity.parse.failed'
            ? 'request body is not valid JSON'
            : h.type === 'encoding.unsupported' || h.type === 'charset.unsupported'
              ? 'unsupported request encoding'
              : 'malformed request';
      return send(res, status, status === 413 ? 'Content Too Large' : 'Bad Request', detail);
    }
    logger.error({ err, method: req.method, path: req.path }, 'unhandled error');
    send(res, 500, 'Internal Server Error', 'the request could not be completed; the error was logged');
  };
}
