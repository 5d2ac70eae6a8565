// GET /.well-known/custodia-attestation: the platform's signed statement of what it measured at
// start (docs/attestation.md). Public on purpose: a device checks it before it has credentials in
// play, and it carries digests and switches only, never a secret.
import { Router } from 'express';
import { doc } from '../route-doc.ts';
import { notFound } from '../../errors.ts';
import { ATTESTATION_PATH, envelopeSchema, type AttestationEnvelope } from '../../attest/statement.ts';

export function attestationRoutes(current: () => AttestationEnvelope | undefined): Router {
  const r = Router();
  r.get(
    ATTESTATION_PATH,
    doc({ summary: 'the signed platform attestation statement (measurement of code and security configuration)', public: true, tags: ['attestation'], responses: { 200: envelopeSchema } }),
    (_req, res) => {
      const envelope = current();
      if (!envelope) throw notFound('this platform publishes no attestation statement');
      // Changes on every start: a cache may keep it, but must ask again each time (ETag revalidation).
      res.setHeader('Cache-Control', 'no-cache');
      res.json(envelope);
    },
  );
  return r;
}
