// Assistance through the patient's home hub: messages and reminders (commands named "message"),
// and, for demo patients only, scenario commands the simulator acts out.
import type { RequestHandler } from 'express';
import { body, params } from '../../../platform/api/validate.ts';
import { conflict } from '../../../platform/errors.ts';
import type { PilotContext } from '../../../platform/pilot.ts';
import type { Command } from '../../../platform/services/commands.ts';
import { auditPatient, patientTarget } from '../audit.ts';
import { messageSchema, patientIdParam, simulateSchema } from '../model.ts';
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

  return { send, list, simulate };
}
