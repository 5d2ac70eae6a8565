// Scoped MQTT tokens for operators' tools: a tool connects with username "token" and this
// token as password, never with a user's password. Read-only, one tenant, limited filters,
// expiring; stored only as a hash.
import { statusFilter } from '../broker/topics.ts';
import type { SealedRecords } from '../services/records.ts';
import type { IdentityEvents } from '../events.ts';
import type { TenantId } from '../ids.ts';
import { hashToken, newSecret } from './secrets.ts';

export interface ToolToken {
  tenantId: string;
  label: string;
  topics: string[];
  createdBy: string;
  expiresAt: number;
}

const KIND = 'mqtt-token';

export class ToolTokens {
  constructor(
    private readonly records: SealedRecords,
    private readonly now: () => number = Date.now,
    /** Told of revocations, so tools connected with the token are disconnected. */
    private readonly events?: IdentityEvents,
  ) {}

  async issue(input: { tenantId: TenantId; createdBy: string; ttlMs: number }): Promise<{ token: string; info: ToolToken }> {
    const token = newSecret();
    const info: ToolToken = {
      tenantId: input.tenantId,
      label: `tool:${input.createdBy}`,
      // Presence only: telemetry stays inside the platform's pipeline (the broker never forwards it).
      topics: [statusFilter(input.tenantId)],
      createdBy: input.createdBy,
      expiresAt: this.now() + input.ttlMs,
    };
    await this.records.put(KIND, hashToken(token), info, { tags: { tenant: input.tenantId } });
    return { token, info };
  }

  /** Revokes a token of the tenant; false when there is no such token in it. */
  async revoke(tenantId: TenantId, token: string): Promise<boolean> {
    if (!token || token.length > 128) return false;
    const tokenId = hashToken(token);
    const rec = await this.records.get<ToolToken>(KIND, tokenId);
    if (!rec || rec.data.tenantId !== tenantId) return false;
    await this.records.delete(KIND, tokenId);
    this.events?.publish({ type: 'tool-token.revoked', tenantId, tokenId });
    return true;
  }

  async resolve(token: string): Promise<ToolToken | null> {
    if (!token || token.length > 128) return null;
    const rec = await this.records.get<ToolToken>(KIND, hashToken(token));
    if (!rec || rec.data.expiresAt <= this.now()) return null;
    return rec.data;
  }
}
