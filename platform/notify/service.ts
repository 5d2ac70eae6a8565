// Outbound alarm notifications (docs/integration.md "Outbound notifications"): per tenant,
// subscriptions that send alarm changes to a webhook or by e-mail. The alarm service reports every
// change (AlarmNotifier); delivery runs apart from the alarm path, retries with exponential
// backoff up to NOTIFY_MAX_ATTEMPTS, and then leaves a dead letter the tenant-admin sees and can
// retry. Every attempt and outcome is audited in the tenant's chain with ids and codes only.
// Subscriptions, their webhook secrets and dead letters are tenant records, sealed at rest under
// the tenant's key. Nothing here knows a pilot: the alarm carries its pilot's id as a string.
import { randomBytes, randomUUID } from 'node:crypto';
import type { NotifyConfig } from '../config.ts';
import { badRequest, notFound } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { AuditSink } from '../services/audit-sink.ts';
import type { Scopes } from '../services/scopes.ts';
import { currentTenant } from '../tenancy/context.ts';
import { checkWebhookUrl, TargetRefusedError } from './address-guard.ts';
import { postWebhook, smtpMailer, type DeliveryResult, type Mailer } from './channels.ts';
import {
  mailOf,
  matches,
  messageOf,
  retryDelayMs,
  type AlarmNotice,
  type AlarmNotifier,
  type NotificationMessage,
  type Subscription,
  type SubscriptionInput,
  type SubscriptionPatch,
} from './message.ts';
import { SIGNATURE_HEADER, signBody, TIMESTAMP_HEADER } from './signature.ts';

const SUB = 'notify.subscription';

/** The tenant in context and its principal's audit label. */
const actorOf = (what: string) => {
  const { tenantId, principal } = currentTenant(what);
  return { tenantId, actor: principal.label };
};
const DEAD = 'notify.dead-letter';
const MAX_SUBSCRIPTIONS = 50;

export interface DeadLetter {
  id: string;
  subscriptionId: string;
  channel: Subscription['channel'];
  message: NotificationMessage;
  attempts: number;
  lastStatus?: number;
  lastError?: string;
  createdAt: number;
  updatedAt: number;
}

export interface NotificationDeps {
  scopes: Scopes;
  audit: AuditSink;
  logger: Logger;
  config: NotifyConfig;
  now?: () => number;
  /** Tests replace the SMTP mailer; default: nodemailer on config.smtp. */
  mailer?: Mailer;
}

export class NotificationService implements AlarmNotifier {
  private readonly now: () => number;
  private readonly mailer: Mailer | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inflight = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(private readonly d: NotificationDeps) {
    this.now = d.now ?? Date.now;
    this.mailer = d.mailer ?? (d.config.smtp ? smtpMailer(d.config.smtp.url, d.config.smtp.from, d.config.timeoutMs) : undefined);
  }

  // ---- fed by the alarm service -----------------------------------------------------------------

  alarmEvent(tenantId: string, notice: AlarmNotice): void {
    if (this.stopped) return;
    this.track(this.dispatch(tenantId, notice));
  }

  private async dispatch(tenantId: string, notice: AlarmNotice): Promise<void> {
    const subs = (await this.subscriptionsOf(tenantId)).filter((sub) => matches(sub, notice));
    // Side by side: a slow receiver does not hold up the others.
    await Promise.all(subs.map((sub) => this.attemptAndFollowUp(tenantId, sub, messageOf(sub, notice, tenantId, this.d.config.publicUrl, randomUUID()), 1)));
  }

  private async attemptAndFollowUp(tenantId: string, sub: Subscription, message: NotificationMessage, attempt: number): Promise<void> {
    const result = await this.attempt(tenantId, sub, message, attempt);
    if (result.ok) return;
    if (attempt >= this.d.config.maxAttempts) {
      await this.deadLetter(tenantId, sub, message, attempt, result);
      return;
    }
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.stopped) return;
      this.track(
        (async () => {
          // The subscription may have changed or gone while waiting.
          const current = await this.subscriptionOf(tenantId, sub.id);
          if (current?.enabled) await this.attemptAndFollowUp(tenantId, current, message, attempt + 1);
        })(),
      );
    }, retryDelayMs(attempt, this.d.config.retryBaseMs));
    timer.unref();
    this.timers.add(timer);
  }

  /** One delivery attempt, audited with its outcome. */
  private async attempt(tenantId: string, sub: Subscription, message: NotificationMessage, attempt: number): Promise<DeliveryResult> {
    const result = await this.send(sub, message);
    await this.d.audit.record(tenantId, {
      actor: 'system:notifier',
      action: 'notification.attempt',
      target: `subscription:${sub.id}`,
      outcome: result.ok ? 'success' : 'failure',
      details: {
        delivery: message.id,
        alarm: message.alarm.id,
        event: message.event,
        channel: sub.channel,
        attempt,
        ...(result.status !== undefined ? { status: result.status } : {}),
        ...(result.error ? { error: result.error } : {}),
      },
    });
    return result;
  }

  private async send(sub: Subscription, message: NotificationMessage): Promise<DeliveryResult> {
    if (sub.channel === 'email') {
      if (!this.mailer) return { ok: false, error: 'ENOSMTP' };
      return this.mailer.send({ to: sub.to ?? [], ...mailOf(message) });
    }
    const body = JSON.stringify(message);
    const ts = Math.floor(this.now() / 1000);
    return postWebhook(
      sub.url!,
      body,
      {
        [TIMESTAMP_HEADER]: String(ts),
        [SIGNATURE_HEADER]: signBody(sub.secret!, ts, body),
        'x-custodia-event': message.event,
        'x-custodia-delivery': message.id,
      },
      { allowLocal: this.d.config.allowLocalTargets, timeoutMs: this.d.config.timeoutMs },
    );
  }

  private async deadLetter(tenantId: string, sub: Subscription, message: NotificationMessage, attempts: number, last: DeliveryResult) {
    const at = this.now();
    const dl: DeadLetter = {
      id: randomUUID(),
      subscriptionId: sub.id,
      channel: sub.channel,
      message,
      attempts,
      ...(last.status !== undefined ? { lastStatus: last.status } : {}),
      ...(last.error ? { lastError: last.error } : {}),
      createdAt: at,
      updatedAt: at,
    };
    await (await this.d.scopes.records(tenantId)).put(DEAD, dl.id, dl, { tags: { subscription: sub.id } });
    await this.d.audit.record(tenantId, {
      actor: 'system:notifier',
      action: 'notification.dead-letter',
      target: `subscription:${sub.id}`,
      outcome: 'failure',
      details: { deadLetter: dl.id, delivery: message.id, alarm: message.alarm.id, attempts },
    });
  }

  private track(p: Promise<unknown>) {
    const tracked = p.catch((err: unknown) => this.d.logger.error({ err }, 'notification delivery failed'));
    this.inflight.add(tracked);
    void tracked.finally(() => this.inflight.delete(tracked));
  }

  /** Cancels pending retries and waits for attempts under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.inflight]);
    this.mailer?.close();
  }

  /** Waits until no attempt is under way (tests). */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  private async subscriptionsOf(tenantId: string): Promise<Subscription[]> {
    const rows = await (await this.d.scopes.records(tenantId)).find<Subscription>(SUB, { limit: MAX_SUBSCRIPTIONS });
    return rows.map((r) => r.data);
  }

  private async subscriptionOf(tenantId: string, id: string): Promise<Subscription | null> {
    return (await (await this.d.scopes.records(tenantId)).get<Subscription>(SUB, id))?.data ?? null;
  }

  // ---- subscriptions (tenant-admin): the tenant and the actor are the context's ----------------

  async list(): Promise<Subscription[]> {
    return this.subscriptionsOf(currentTenant('notifications.list').tenantId);
  }

  async get(id: string): Promise<Subscription | null> {
    return this.subscriptionOf(currentTenant('notifications.get').tenantId, id);
  }

  async require(id: string): Promise<Subscription> {
    const s = await this.get(id);
    if (!s) throw notFound(`no subscription ${id}`);
    return s;
  }

  /** Creates a subscription; a webhook's signing secret is returned here once and never again. */
  async create(input: SubscriptionInput): Promise<{ subscription: Subscription; secret?: string }> {
    const { tenantId, actor } = actorOf('notifications.create');
    const records = await this.d.scopes.records(tenantId);
    if ((await records.count(SUB)) >= MAX_SUBSCRIPTIONS) throw badRequest(`at most ${MAX_SUBSCRIPTIONS} subscriptions per tenant`);
    const at = this.now();
    const base = { id: randomUUID(), name: input.name, events: input.events, severities: input.severities, pilots: input.pilots, include: input.include, enabled: input.enabled, createdAt: at, updatedAt: at };
    let sub: Subscription;
    if (input.channel === 'webhook') {
      this.checkUrl(input.url);
      sub = { ...base, channel: 'webhook', url: input.url, secret: randomBytes(32).toString('base64url') };
    } else {
      if (!this.mailer) throw badRequest('no SMTP server is configured (SMTP_URL): e-mail subscriptions cannot be delivered');
      sub = { ...base, channel: 'email', to: input.to };
    }
    await records.put(SUB, sub.id, sub, { tags: { channel: sub.channel } });
    await this.d.audit.record(tenantId, { actor, action: 'notification.subscription.create', target: `subscription:${sub.id}`, outcome: 'success', details: { channel: sub.channel } });
    return { subscription: sub, ...(sub.secret ? { secret: sub.secret } : {}) };
  }

  async update(id: string, patch: SubscriptionPatch): Promise<Subscription> {
    const { tenantId, actor } = actorOf('notifications.update');
    const sub = await this.require(id);
    if (patch.url !== undefined && sub.channel !== 'webhook') throw badRequest('url belongs to webhook subscriptions');
    if (patch.to !== undefined && sub.channel !== 'email') throw badRequest('to belongs to e-mail subscriptions');
    if (patch.url !== undefined) this.checkUrl(patch.url);
    const next: Subscription = { ...sub, ...patch, updatedAt: this.now() };
    await (await this.d.scopes.records(tenantId)).put(SUB, id, next, { tags: { channel: next.channel } });
    await this.d.audit.record(tenantId, { actor, action: 'notification.subscription.update', target: `subscription:${id}`, outcome: 'success', details: { fields: Object.keys(patch) } });
    return next;
  }

  /** A new signing secret for a webhook, returned once; the old one stops signing at once. */
  async rotateSecret(id: string): Promise<string> {
    const { tenantId, actor } = actorOf('notifications.rotateSecret');
    const sub = await this.require(id);
    if (sub.channel !== 'webhook') throw badRequest('only webhook subscriptions have a signing secret');
    const secret = randomBytes(32).toString('base64url');
    await (await this.d.scopes.records(tenantId)).put(SUB, id, { ...sub, secret, updatedAt: this.now() }, { tags: { channel: sub.channel } });
    await this.d.audit.record(tenantId, { actor, action: 'notification.subscription.rotate-secret', target: `subscription:${id}`, outcome: 'success' });
    return secret;
  }

  async remove(id: string): Promise<void> {
    const { tenantId, actor } = actorOf('notifications.remove');
    await this.require(id);
    await (await this.d.scopes.records(tenantId)).delete(SUB, id);
    await this.d.audit.record(tenantId, { actor, action: 'notification.subscription.delete', target: `subscription:${id}`, outcome: 'success' });
  }

  private checkUrl(url: string) {
    try {
      checkWebhookUrl(url, this.d.config.allowLocalTargets);
    } catch (err) {
      if (err instanceof TargetRefusedError) throw badRequest(`webhook url refused: ${err.message}`);
      throw err;
    }
  }

  // ---- dead letters ---------------------------------------------------------------------------

  async deadLetters(limit = 200): Promise<DeadLetter[]> {
    const { tenantId } = currentTenant('notifications.deadLetters');
    const rows = await (await this.d.scopes.records(tenantId)).find<DeadLetter>(DEAD, { newestFirst: true, limit });
    return rows.map((r) => r.data);
  }

  /** One more attempt for a dead letter, now: delivered, it is removed; failed, it stays with the
   *  attempt counted. */
  async retry(id: string): Promise<{ delivered: boolean; deadLetter?: DeadLetter }> {
    const { tenantId, actor } = actorOf('notifications.retry');
    const records = await this.d.scopes.records(tenantId);
    const dl = (await records.get<DeadLetter>(DEAD, id))?.data;
    if (!dl) throw notFound(`no dead letter ${id}`);
    const sub = await this.subscriptionOf(tenantId, dl.subscriptionId);
    if (!sub) throw notFound(`the subscription of dead letter ${id} was deleted`);
    await this.d.audit.record(tenantId, { actor, action: 'notification.retry', target: `dead-letter:${id}`, outcome: 'success', details: { subscription: sub.id } });
    const result = await this.attempt(tenantId, sub, dl.message, dl.attempts + 1);
    if (result.ok) {
      await records.delete(DEAD, id);
      return { delivered: true };
    }
    const { lastStatus: _s, lastError: _e, ...rest } = dl;
    const next: DeadLetter = {
      ...rest,
      attempts: dl.attempts + 1,
      updatedAt: this.now(),
      ...(result.status !== undefined ? { lastStatus: result.status } : {}),
      ...(result.error ? { lastError: result.error } : {}),
    };
    await records.put(DEAD, id, next, { tags: { subscription: sub.id } });
    return { delivered: false, deadLetter: next };
  }
}
