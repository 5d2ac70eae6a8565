// The device credentials file shared by a server child and the load generators. For the
// baselines (no authentication) the secrets are placeholders; Custodia writes real ones.
import { writeFileSync } from 'node:fs';

export const BENCH_TENANT = 'bench';

export interface Credentials {
  tenantId: string;
  devices: { id: string; secret: string }[];
  /** Alarm phase (Custodia only): devices that raise one alarm each, and a dashboard user
   *  (role operator) whose sockets hear the alarms. The password is random per run. */
  alarm?: { devices: { id: string; secret: string }[]; username: string; password: string };
}

/** Ids of the alarm phase's devices, apart from the load's so the load never raises one. */
export const benchAlarmDeviceId = (i: number): string => `bench-alarm-${String(i + 1).padStart(4, '0')}`;

/** Synthetic, sortable device ids that satisfy the registry's id rule. */
export const benchDeviceId = (i: number): string => `bench-dev-${String(i + 1).padStart(5, '0')}`;

export function writePlaceholderCredentials(file: string, devices: number): void {
  const creds: Credentials = {
    tenantId: BENCH_TENANT,
    devices: Array.from({ length: devices }, (_, i) => ({ id: benchDeviceId(i), secret: 'baseline-no-auth' })),
  };
  writeFileSync(file, JSON.stringify(creds), { mode: 0o600 });
}
