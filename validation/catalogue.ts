// The scenario catalogue: every promise an evaluator can check, with its requirement, indicator
// and success criterion. One scenario per file under ./scenarios; the order here is the order of
// a run and of the report.
import { attestationDeviceRefusal } from './scenarios/attestation-device-refusal.ts';
import { auditTamper } from './scenarios/audit-tamper.ts';
import { clusterNodeLoss } from './scenarios/cluster-node-loss.ts';
import { clusterRedisLoss } from './scenarios/cluster-redis-loss.ts';
import { durabilityKill9 } from './scenarios/durability-kill9.ts';
import { encryptionMoved } from './scenarios/encryption-moved.ts';
import { encryptionScan } from './scenarios/encryption-scan.ts';
import { healthcareConsent } from './scenarios/healthcare-consent.ts';
import { healthcareDeterioration } from './scenarios/healthcare-deterioration.ts';
import { healthcareEscalation } from './scenarios/healthcare-escalation.ts';
import { healthcareFutureReading } from './scenarios/healthcare-future-reading.ts';
import { isolation } from './scenarios/isolation.ts';
import { residencyPlacement } from './scenarios/residency-placement.ts';
import { backupRestoreDrill } from './scenarios/backup-restore-drill.ts';
import { backupRegionResidency } from './scenarios/backup-region-residency.ts';
import { lightingAstroSchedule } from './scenarios/lighting-astro-schedule.ts';
import { lightingEnergy } from './scenarios/lighting-energy.ts';
import { lightingFailure } from './scenarios/lighting-failure.ts';
import { lightingOfflineCommand } from './scenarios/lighting-offline-command.ts';
import { keysRotateShred } from './scenarios/keys-rotate-shred.ts';
import { loadSustained } from './scenarios/load-sustained.ts';
import { pilotFleets } from './scenarios/pilot-fleets.ts';
import { securityBruteForce } from './scenarios/security-brute-force.ts';
import { securityClientId } from './scenarios/security-client-id.ts';
import { securityMqttAcl } from './scenarios/security-mqtt-acl.ts';
import { securityRevocation } from './scenarios/security-revocation.ts';
import { securityStorm } from './scenarios/security-storm.ts';
import type { Scenario, ScenarioInfo } from './types.ts';

export type { Scenario, ScenarioInfo } from './types.ts';

export const CATALOGUE: readonly Scenario[] = [
  isolation,
  encryptionScan,
  residencyPlacement,
  backupRestoreDrill,
  backupRegionResidency,
  encryptionMoved,
  keysRotateShred,
  durabilityKill9,
  clusterNodeLoss,
  clusterRedisLoss,
  auditTamper,
  attestationDeviceRefusal,
  securityMqttAcl,
  securityBruteForce,
  securityRevocation,
  securityClientId,
  securityStorm,
  loadSustained,
  healthcareDeterioration,
  healthcareConsent,
  healthcareEscalation,
  healthcareFutureReading,
  lightingFailure,
  lightingAstroSchedule,
  lightingOfflineCommand,
  lightingEnergy,
  pilotFleets,
];

/** The catalogue without the code: what the --list flag and the API show. */
export function describeCatalogue(list: readonly Scenario[] = CATALOGUE): ScenarioInfo[] {
  return list.map(({ run: _run, unavailable: _unavailable, ...info }) => info);
}

export function scenarioById(id: string, list: readonly Scenario[] = CATALOGUE): Scenario | undefined {
  return list.find((s) => s.id === id);
}
