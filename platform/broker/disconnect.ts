// Ends live connections when the platform withdraws what they authenticated with: a device
// revoked or rotated, a tenant suspended, a user disabled (their tools). Authentication is only
// checked at CONNECT, so without this a revoked device would keep publishing (docs/security.md
// "Revocation reaches live connections").
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

export function createDisconnect(state: BrokerState): (m: DisconnectMatch) => number {
  const { principals, sessions, log } = state;
  return (m) => {
    if (!state.aedes) return 0;
    let closed = 0;
    for (const client of allClients(aedesOf(state))) {
      const principal = principals.get(client);
      if (!principal || !matches(principal, m)) continue;
      const session = sessions.get(client);
      if (session) session.offlineReason = 'revoked';
      // Without a principal nothing more is allowed: not a publish still queued, not its will.
      principals.delete(client);
      closeClient(client);
      closed++;
    }
    if (closed > 0) log.info({ closed }, 'connections closed after revocation');
    return closed;
  };
}
