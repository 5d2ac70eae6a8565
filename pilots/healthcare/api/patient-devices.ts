// Linking a registered device to a patient, and unlinking it. A device's subject decides whose
// record its readings are sealed into (docs/architecture.md), so a device already linked to
// someone is refused (409) rather than moved silently, and the home hub — the patient's message
// channel — stays with its patient. Unlinked devices keep their registration; their readings are
// refused by the consent gate until they are linked again.
import type { RequestHandler } from 'express';
import { body, params } from '../../../platform/api/validate.ts';
import { badRequest, conflict, notFound } from '../../../platform/errors.ts';
import type { PilotContext } from '../../../platform/pilot.ts';
import { auditPatient, patientTarget } from '../audit.ts';
import { linkDeviceSchema, PATIENT_DEVICE_KINDS, patientDeviceParams, patientIdParam } from '../model.ts';
import { requirePatient, savePatient } from '../patients.ts';
import type { Runtime } from '../runtime.ts';

const LINKABLE = new Set<string>(PATIENT_DEVICE_KINDS);

export function patientDeviceHandlers(ctx: PilotContext, rt: Runtime) {
  const link: RequestHandler = async (req, res) => {
    const { id } = params(req, patientIdParam);
    const { deviceId } = body(req, linkDeviceSchema);
    const patient = await requirePatient(ctx, id);
    const device = await ctx.devices.find(deviceId);
    if (!device) throw notFound(`no device ${deviceId}`);
    if (!LINKABLE.has(device.kind)) throw badRequest(`a ${device.kind} cannot be linked to a patient (kinds: ${PATIENT_DEVICE_KINDS.join(', ')})`);
    if (device.status !== 'active') throw conflict(`device ${deviceId} is revoked`);
    if (device.subject === id) throw conflict(`device ${deviceId} is already linked to this patient`);
    if (device.subject) throw conflict(`device ${deviceId} is linked to another patient; unlink it there first`);
    await ctx.devices.update(deviceId, { subject: id });
    await savePatient(ctx, { ...patient, deviceIds: [...patient.deviceIds.filter((d) => d !== deviceId), deviceId] });
    await auditPatient(ctx, 'patient.device.link', patientTarget(id), { device: deviceId, kind: device.kind });
    res.status(201).json({ id, deviceIds: [...patient.deviceIds.filter((d) => d !== deviceId), deviceId] });
  };

  const unlink: RequestHandler = async (req, res) => {
    const { id, deviceId } = params(req, patientDeviceParams);
    const patient = await requirePatient(ctx, id);
    if (!patient.deviceIds.includes(deviceId)) throw notFound(`device ${deviceId} is not linked to this patient`);
    if (deviceId === patient.hubDeviceId) throw badRequest('the home hub stays with its patient');
    const device = await ctx.devices.find(deviceId);
    if (device && device.subject === id) await ctx.devices.update(deviceId, { subject: null });
    // A device-offline alarm waiting for its grace would otherwise still be raised for this patient.
    const timerKey = `${ctx.principal().tenantId}/${deviceId}`;
    const timer = rt.offlineTimers.get(timerKey);
    if (timer) clearTimeout(timer);
    rt.offlineTimers.delete(timerKey);
    const deviceIds = patient.deviceIds.filter((d) => d !== deviceId);
    await savePatient(ctx, { ...patient, deviceIds });
    await auditPatient(ctx, 'patient.device.unlink', patientTarget(id), { device: deviceId });
    res.json({ id, deviceIds });
  };

  return { link, unlink };
}
