// Opaque session tokens: the client holds 256 random bits, the server stores only their SHA-256
// (ASVS 3.2.1, 3.2.3). A CSRF token rides with each session for cookie-authenticated writes.
import type { SealedRecords } from '../services/records.ts';
import type { Role } from '../tenancy/context.ts';
import type { IdentityEvents } from '../events.ts';
import { hashToken, newSecret } from './secrets.ts';

export interface Session {
  userId: string;
  username: string;
  role: Role;
  tenantId: string | null;
  csrfHash: string;
  createdAt: number;
  expiresAt: number;
}

export interface IssuedSession {
  token: string;
  csrfToken: string;
  session: Session;
}

const KIND = 'session';

export class Sessions {
  constructor(
    private readonly records: SealedRecords,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    /** Told of ended sessions, so sockets opened with them are disconnected (ASVS 3.3.1). */
    private readonly events?: IdentityEvents,
  ) {}

  async issue(user: { id: string; username: string; role: Role; tenantId: string | null }): Promise<IssuedSession> {
    const token = newSecret();
    const csrfToken = newSecret();
    const at = this.now();
    const session: Session = {
      userId: user.id,
      username: user.username,
      role: user.role,
      tenantId: user.tenantId,
      csrfHash: hashToken(csrfToken),
      createdAt: at,
      expiresAt: at + this.ttlMs,
    };
    await this.records.put(KIND, hashToken(token), session, { tags: { user: user.id } });
    return { token, csrfToken, session };
  }

  /** The live session for a token, or null (unknown or expired; expired ones are removed). */
  async resolve(token: string): Promise<Session | null> {
    if (!token || token.length > 128) return null;
    const id = hashToken(token);
    const rec = await this.records.get<Session>(KIND, id);
    if (!rec) return null;
    if (rec.data.expiresAt <= this.now()) {
      await this.records.delete(KIND, id);
      return null;
    }
    return rec.data;
  }

  async revoke(token: string): Promise<void> {
    const sessionId = hashToken(token);
    await this.records.delete(KIND, sessionId);
    this.events?.publish({ type: 'session.ended', sessionId });
  }

  /** Ends every session of a user (password change, disable, delete: ASVS 3.3.3). */
  async revokeAllFor(userId: string): Promise<number> {
    const rows = await this.records.find<Session>(KIND, { tags: { user: userId } });
    for (const r of rows) await this.records.delete(KIND, r.id);
    this.events?.publish({ type: 'user.sessions-ended', userId });
    return rows.length;
  }
}
