// Assistance through the patient's home hub: messages and reminders (commands named "message"),
// and, for demo patients only, scenario commands the simulator acts out.
import type { RequestHandler } from 'express';
import { body, params, query } from '../../../platform/api/validate.ts';
import { conflict } from '../../../platform/errors.ts';
import type { PilotContext } from '../../../platform/pilot.ts';
import type { Command } from '../../../platform/services/commands.ts';
import { auditPatient, patientTarget } from '../audit.ts';
import { hubCommandsQuery, messageSchema, patientIdParam, simulateSchema } from '../model.ts';
import { requirePatient } from '../patients.ts';
import type { Runtime } from '../runtime.ts';

export const MESSAGE_COMMAND = 'message';
export const SIMULATE_COMMAND = 'simulate';

export function messageView(c: Command) {
  return {
    id: c.id,
    kind: c.payload.kind,
    text: c.payload.text,
    ...(c.payload.dueAt !== undefined ? { dueAt: c.payload.dueAt } : {}),
    status: c.status,
    createdBy: c.createdBy,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    expiresAt: c.expiresAt,
  };
}

/** A command to the hub as its history shows it: what kind of thing was sent and how far it got,
 *  never a message's text (the messages list shows that, audited as a read of it). */
export function hubCommandView(c: Command) {
  const what = c.name === MESSAGE_COMMAND ? c.payload.kind : c.name === SIMULATE_COMMAND ? c.payload.scenario : undefined;
  return {
    id: c.id,
    name: c.name,
    ...(typeof what === 'string' ? { what } : {}),
    status: c.status,
    createdBy: c.createdBy,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

export function assistHandlers(ctx: PilotContext, rt: Runtime) {
  const send: RequestHandler = async (req, res) => {
    const { id } = params(req, patientIdParam);
    const input = body(req, messageSchema);
    const patient = await requirePatient(ctx, id);
    const cmd = await ctx.commands.create({
      deviceId: patient.hubDeviceId,
      name: MESSAGE_COMMAND,
      payload: { kind: input.kind, text: input.text, ...(input.dueAt !== undefined ? { dueAt: input.dueAt } : {}) },
      ttlMs: rt.options.messageTtlMs,
      // Sealed under the patient's own key: erasing the patient erases the message text too.
      subject: id,
    });
    await auditPatient(ctx, 'message.send', patientTarget(id), { command: cmd.id, kind: input.kind });
    res.status(201).json(messageView(cmd));
  };

  const list: RequestHandler = async (req, res) => {
    const { id } = params(req, patientIdParam);
    const patient = await requirePatient(ctx, id);
    const items = (await ctx.commands.list({ deviceId: patient.hubDeviceId, limit: 500 }))
      .filter((c) => c.name === MESSAGE_COMMAND)
      .map(messageView);
    await auditPatient(ctx, 'message.read', patientTarget(id), { count: items.length });
    res.json({ items });
  };

  const history: RequestHandler = async (req, res) => {
    const { id } = params(req, patientIdParam);
    const { limit, offset } = query(req, hubCommandsQuery);
    const patient = await requirePatient(ctx, id);
    // One more than asked tells whether another page follows.
    const rows = await ctx.commands.list({ deviceId: patient.hubDeviceId, limit: limit + 1, offset });
    const items = rows.slice(0, limit).map(hubCommandView);
    await auditPatient(ctx, 'hub.commands.read', patientTarget(id), { count: items.length });
    res.json({ items, next: rows.length > limit ? offset + limit : null });
  };

  const simulate: RequestHandler = async (req, res) => {
    const { id } = params(req, patientIdParam);
    const { scenario } = body(req, simulateSchema);
    const patient = await requirePatient(ctx, id);
    // Scenario commands make sense only to the demo simulator; a real hub must never get one.
    if (!patient.demo) throw conflict('scenarios can be simulated for demo patients only');
    const cmd = await ctx.commands.create({
      deviceId: patient.hubDeviceId,
      name: SIMULATE_COMMAND,
      payload: { scenario },
      ttlMs: rt.options.simulateTtlMs,
    });
    await auditPatient(ctx, 'simulate.send', patientTarget(id), { command: cmd.id, scenario });
    res.status(202).json({ id: cmd.id, scenario, status: cmd.status, hubDeviceId: patient.hubDeviceId });
  };

  return { send, list, history, simulate };
}
