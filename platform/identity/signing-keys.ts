// Per-user Ed25519 signing keys for agreements (docs/security.md "Signed agreements"). The private
// half is sealed by the tenant's keyring (bound to the user's record, so it opens nowhere else)
// and only ever used inside `sign`; the public half is the tenant's directory entry, which stays
// after the user leaves so what they signed can still be verified.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as signWith } from 'node:crypto';
import { auditKeyId } from '../audit/signer.ts';
import type { Scopes } from '../services/scopes.ts';

const KIND = 'signing-key';
const PRIVATE = 'signing-key-private';

export interface SigningKeyEntry {
  userId: string;
  /** The signer's non-personal handle (principal label, e.g. user:tenant-a-dpo). */
  signer: string;
  keyId: string;
  publicKeyPem: string;
  createdAt: number;
}

interface Stored extends SigningKeyEntry {
  sealedPrivateKey: string;
}

export class SigningKeys {
  constructor(
    private readonly scopes: Scopes,
    private readonly now: () => number = Date.now,
  ) {}

  private async load(tenant: string, userId: string): Promise<Stored | null> {
    return (await (await this.scopes.records(tenant)).get<Stored>(KIND, userId))?.data ?? null;
  }

  /** The user's key, created on first use. */
  async ensure(tenant: string, userId: string, signer: string): Promise<SigningKeyEntry> {
    const existing = await this.load(tenant, userId);
    if (existing) return publicPart(existing);
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const der = privateKey.export({ type: 'pkcs8', format: 'der' });
    try {
      const sealed = await this.scopes.keyring.seal({ tenant, collection: PRIVATE, id: userId }, der);
      const entry: Stored = {
        userId,
        signer,
        keyId: auditKeyId(publicKey),
        publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        createdAt: this.now(),
        sealedPrivateKey: sealed.toString('base64'),
      };
      await (await this.scopes.records(tenant)).put(KIND, userId, entry, { tags: { keyId: entry.keyId } });
      return publicPart(entry);
    } finally {
      der.fill(0);
    }
  }

  /** Signs with the user's own key (created on first use); the private half is opened for this call only. */
  async sign(tenant: string, userId: string, signer: string, data: Buffer): Promise<{ keyId: string; signature: string }> {
    const { keyId } = await this.ensure(tenant, userId, signer);
    const stored = (await this.load(tenant, userId))!;
    const der = await this.scopes.keyring.open({ tenant, collection: PRIVATE, id: userId }, Buffer.from(stored.sealedPrivateKey, 'base64'));
    try {
      const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
      return { keyId, signature: signWith(null, data, key).toString('base64') };
    } finally {
      der.fill(0);
    }
  }

  /** The tenant's directory: every signer's public key. */
  async list(tenant: string): Promise<SigningKeyEntry[]> {
    const rows = await (await this.scopes.records(tenant)).find<Stored>(KIND);
    return rows.map((r) => publicPart(r.data)).sort((a, b) => a.createdAt - b.createdAt);
  }

  async byKeyId(tenant: string, keyId: string): Promise<SigningKeyEntry | null> {
    const rows = await (await this.scopes.records(tenant)).find<Stored>(KIND, { tags: { keyId }, limit: 1 });
    return rows[0] ? publicPart(rows[0].data) : null;
  }
}

function publicPart(s: Stored): SigningKeyEntry {
  // The stored public half must be the one the private half belongs to: checked on the way out.
  const pub = createPublicKey(s.publicKeyPem);
  if (auditKeyId(pub) !== s.keyId) throw new Error(`signing key ${s.keyId} does not match its id`);
  return { userId: s.userId, signer: s.signer, keyId: s.keyId, publicKeyPem: s.publicKeyPem, createdAt: s.createdAt };
}
