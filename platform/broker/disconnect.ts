// Ends live connections when the platform withdraws what they authenticated with: a device
// revoked or rotated, a tenant suspended, a user disabled (their tools). Authentication is only
// checked at CONNECT, so without this a revoked device would keep publishing (docs/security.md
// "Revocation reaches live connections").
import type { Client } from 'aedes';
import { allClients, closeClient } from './aedes-adapter.ts';
import { aedesOf, type BrokerState } from './state.ts';
import type { BrokerPrincipal } from './topics.ts';

/** Whose connections to end: a tenant's devices and tools, one device, one user's tools, or
 *  the tools connected with one token. */
export type DisconnectMatch = { tenantId: string; deviceId?: string } | { owner: string } | { tokenId: string };

export function matches(principal: BrokerPrincipal, m: DisconnectMatch): boolean {
  if ('owner' in m) return principal.kind === 'tool' && principal.tool.owner === m.owner;
  if ('tokenId' in m) return principal.kind === 'tool' && principal.tool.tokenId === m.tokenId;
  if (principal.kind === 'tool') return m.deviceId === undefined && principal.tool.tenantId === m.tenantId;
  return principal.identity.tenantId === m.tenantId && (m.deviceId === undefined || principal.identity.deviceId === m.deviceId);
}

/** Revocations remembered for connections still authenticating (far more than can overlap). */
const RECENT_REVOCATIONS = 1_000;

export interface Revocations {
  disconnect(m: DisconnectMatch): number;
  /** For a newly registered client: closes it when a revocation matching it came while it was
   *  authenticating (its credentials were checked just before they were withdrawn). */
  closeIfRevokedMeanwhile(client: Client): boolean;
}

export function createRevocations(state: BrokerState): Revocations {
  const { principals, sessions, log, revocations, authStartedAt } = state;

  const close = (client: Client) => {
    const session = sessions.get(client);
    if (session) session.offlineReason = 'revoked';
    // Without a principal nothing more is allowed: not a publish still queued, not its will.
    principals.delete(client);
    closeClient(client);
  };

  return {
    disconnect(m) {
      revocations.recent.push({ seq: ++revocations.seq, match: m });
      if (revocations.recent.length > RECENT_REVOCATIONS) revocations.recent.shift();
      if (!state.aedes) return 0;
      let closed = 0;
      for (const client of allClients(aedesOf(state))) {
        const principal = principals.get(client);
        if (!principal || !matches(principal, m)) continue;
        close(client);
        closed++;
      }
      if (closed > 0) log.info({ closed }, 'connections closed after revocation');
      return closed;
    },
    closeIfRevokedMeanwhile(client) {
      const principal = principals.get(client);
      const since = authStartedAt.get(client);
      authStartedAt.delete(client); // asked once, when the client registers: not kept for its life
      if (!principal || since === undefined || since === revocations.seq) return false;
      const oldest = revocations.recent[0]?.seq ?? revocations.seq + 1;
      // Older than what is remembered: assume revoked, the client may simply reconnect.
      const hit = since + 1 < oldest || revocations.recent.some((r) => r.seq > since && matches(principal, r.match));
      if (hit) close(client);
      return hit;
    },
  };
}
