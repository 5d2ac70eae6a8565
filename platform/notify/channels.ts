// The two ways a notification leaves the platform: an HTTP POST to a webhook (through the address
// guard, no redirects followed, bounded time) and an e-mail through the configured SMTP server.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import nodemailer, { type Transporter } from 'nodemailer';
import { checkWebhookUrl, guardedLookup, isPublicAddress, TargetRefusedError } from './address-guard.ts';

export interface DeliveryResult {
  ok: boolean;
  /** HTTP status of a webhook's answer. */
  status?: number;
  /** A short error code (ECONNREFUSED, ETIMEDOUT, ETARGETREFUSED, EMAIL…); never a message body. */
  error?: string;
}

export interface WebhookOptions {
  allowLocal: boolean;
  timeoutMs: number;
}

/** POSTs `body` with `headers`; a 2xx answer is a delivery, anything else a failure. */
export function postWebhook(rawUrl: string, body: string, headers: Record<string, string>, opts: WebhookOptions): Promise<DeliveryResult> {
  let url: URL;
  try {
    url = checkWebhookUrl(rawUrl, opts.allowLocal);
  } catch (err) {
    return Promise.resolve({ ok: false, error: err instanceof TargetRefusedError ? err.code : 'EURL' });
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!opts.allowLocal && isIP(host) && !isPublicAddress(host)) return Promise.resolve({ ok: false, error: 'ETARGETREFUSED' });
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body).toString(), 'user-agent': 'custodia-notifier', ...headers },
        lookup: guardedLookup(opts.allowLocal) as never,
        timeout: opts.timeoutMs,
      },
      (res) => {
        res.resume(); // the answer's body is not read: it tells the platform nothing it needs
        const status = res.statusCode ?? 0;
        resolve(status >= 200 && status < 300 ? { ok: true, status } : { ok: false, status });
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('webhook timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, error: err instanceof TargetRefusedError ? err.code : (err.code ?? 'EREQUEST') }));
    req.end(body);
  });
}

export interface Mailer {
  send(mail: { to: string[]; subject: string; text: string }): Promise<DeliveryResult>;
  close(): void;
}

/** An SMTP mailer (nodemailer) for `smtp://` or `smtps://` URLs. */
export function smtpMailer(url: string, from: string, timeoutMs: number): Mailer {
  let transport: Transporter | undefined;
  return {
    async send(mail) {
      transport ??= nodemailer.createTransport(url, { from });
      try {
        await Promise.race([
          transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text }),
          new Promise((_, reject) => setTimeout(() => reject(Object.assign(new Error('smtp timed out'), { code: 'ETIMEDOUT' })), timeoutMs).unref()),
        ]);
        return { ok: true };
      } catch (err) {
        const e = err as { code?: string; responseCode?: number };
        return { ok: false, error: e.code ?? 'EMAIL', ...(e.responseCode ? { status: e.responseCode } : {}) };
      }
    },
    close() {
      transport?.close();
    },
  };
}
