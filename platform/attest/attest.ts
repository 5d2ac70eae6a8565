// Measures the platform at start and signs the statement (docs/attestation.md). The composition
// root publishes it over HTTP (GET /.well-known/custodia-attestation) and as a retained MQTT
// message (platform/attestation).
import { hostname } from 'node:os';
import type { AuditSigner } from '../audit/signer.ts';
import type { Config } from '../config.ts';
import { measureTree, type TreeMeasurement } from './measure.ts';
import { profileDigest, securityProfile } from './profile.ts';
import { combinedMeasurement, signStatement, type AttestationEnvelope } from './statement.ts';

export interface Attestation {
  envelope: AttestationEnvelope;
  tree: TreeMeasurement;
}

export async function attestPlatform(opts: {
  config: Config;
  /** The platform's Ed25519 identity key: the audit checkpoint signer (platform/audit/signer.ts). */
  signer: Pick<AuditSigner, 'keyId' | 'sign'>;
  /** The code tree to measure: the repository root. */
  root: string;
  version: string;
  now?: () => number;
}): Promise<Attestation> {
  const tree = measureTree(opts.root);
  const profile = securityProfile(opts.config);
  const config = profileDigest(profile);
  const envelope = signStatement(
    {
      kind: 'custodia-attestation',
      measurement: combinedMeasurement(tree.digest, config),
      code: tree.digest,
      config,
      profile,
      files: tree.files,
      version: opts.version,
      nodeId: opts.config.cluster?.nodeId ?? (hostname().replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64) || 'node'),
      issuedAt: new Date((opts.now ?? Date.now)()).toISOString(),
      keyId: opts.signer.keyId,
    },
    (data) => opts.signer.sign(data),
  );
  return { envelope, tree };
}
