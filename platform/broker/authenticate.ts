// CONNECT: a device presents its own id and secret (ETSI EN 303 645 provision 5.1), an operator
// tool a scoped token; repeated failures per address and per claimed id are throttled. The aedes
// hooks `preConnect` and `authenticate` (./broker.ts) are made here.
import type { AedesOptions, Client } from 'aedes';
import { PLATFORM_SCOPE } from '../storage/port.ts';
import { keyOf, aedesOf, type BrokerState } from './state.ts';
import { createFailureThrottle } from './throttle.ts';
import { isTopicLevel, type BrokerPrincipal } from './topics.ts';
import type { ToolIdentity } from './types.ts';

/** Username with which an operator tool presents a scoped token instead of device credentials. */
export const TOKEN_USERNAME = 'token';

// CONNACK return codes, MQTT 3.1.1 section 3.2.2.3 (table 3.1).
const RC = { identifierRejected: 2, serverUnavailable: 3, badCredentials: 4, notAuthorized: 5 } as const;

type AuthenticateHandler = NonNullable<AedesOptions['authenticate']>;
type PreConnectHandler = NonNullable<AedesOptions['preConnect']>;
type AuthError = NonNullable<Parameters<Parameters<AuthenticateHandler>[3]>[0]>;

const remoteAddress = (client: Client): string =>
  client.req?.socket.remoteAddress ?? (client.conn as { remoteAddress?: string }).remoteAddress ?? 'unknown';

export function createAuthentication(state: BrokerState): {
  preConnect: PreConnectHandler;
  authenticate: AuthenticateHandler;
} {
  const { deps, log, metrics, counts, principals, sessions, online } = state;
  const throttle = createFailureThrottle(state.cfg.authThrottle ?? { maxFailures: 5, windowMs: 60_000 });

  const clientsById = () => aedesOf(state) as unknown as { clients: Record<string, Client | undefined> };

  /** A client id may be taken over (MQTT-3.1.4-2) only by the same principal reconnecting. */
  const takeoverAllowed = (clientId: string, next: BrokerPrincipal): boolean => {
    const existing = clientsById().clients[clientId];
    const prev = existing ? principals.get(existing) : undefined;
    if (!existing || !prev) return true;
    if (prev.kind === 'device' && next.kind === 'device') {
      return prev.identity.tenantId === next.identity.tenantId && prev.identity.deviceId === next.identity.deviceId;
    }
    if (prev.kind === 'tool' && next.kind === 'tool') {
      return prev.tool.tenantId === next.tool.tenantId && prev.tool.label === next.tool.label;
    }
    return false;
  };

  const refuse = (
    reason: string,
    code: number,
    claimed: string,
    address: string,
    countKeys: string[],
  ): AuthError => {
    counts.authFailures++;
    metrics.authFailures.inc({ reason });
    const now = Date.now();
    for (const k of countKeys) throttle.fail(k, now);
    state.audit(
      PLATFORM_SCOPE,
      {
        actor: claimed ? `mqtt:${claimed}` : 'mqtt:anonymous',
        action: 'mqtt.connect',
        target: 'mqtt',
        outcome: 'failure',
        details: { reason, address, returnCode: code },
      },
      `mqtt-auth:${address}`,
    );
    const err = new Error(`connection refused: ${reason}`) as Error & { returnCode: number };
    err.returnCode = code;
    return err as unknown as AuthError;
  };

  async function checkCredentials(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<true | AuthError> {
    const now = Date.now();
    const address = remoteAddress(client);
    const claimed = (username ?? '').slice(0, 128);
    const addrKey = `addr:${address}`;
    const idKey = `id:${claimed}`;
    const isTool = claimed === TOKEN_USERNAME;
    // Throttled keys are refused before any secret is checked. MQTT 3.1.1 has no "too many
    // attempts" code; 3 (server unavailable) is the closest and tells a device to back off.
    if (throttle.isBlocked(addrKey, now) || (!isTool && claimed && throttle.isBlocked(idKey, now))) {
      return refuse('throttled', RC.serverUnavailable, claimed, address, []);
    }
    const failKeys = isTool || !claimed ? [addrKey] : [addrKey, idKey];
    if (!claimed || !password || password.length === 0) {
      return refuse('missing-credentials', RC.badCredentials, claimed, address, failKeys);
    }
    const secret = password.toString('utf8');

    if (isTool) {
      const tool: ToolIdentity | null = deps.authenticateToken ? await deps.authenticateToken(secret) : null;
      if (!tool || !isTopicLevel(tool.tenantId)) {
        return refuse('bad-token', RC.badCredentials, claimed, address, failKeys);
      }
      const principal: BrokerPrincipal = { kind: 'tool', tool };
      if (!takeoverAllowed(client.id, principal)) {
        return refuse('client-id-in-use', RC.identifierRejected, claimed, address, []);
      }
      principals.set(client, principal);
      state.audit(tool.tenantId, {
        actor: tool.label,
        action: 'mqtt.connect',
        target: 'mqtt',
        outcome: 'success',
        details: { address, clientId: client.id },
      });
      return true;
    }

    // The client id is the device id: one session per device, and a device cannot take over
    // another's session by reusing its client id. Checked before the secret (no oracle).
    if (client.id !== claimed) return refuse('client-id-mismatch', RC.identifierRejected, claimed, address, []);
    const result = await deps.authenticateDevice(claimed, secret);
    if (result === null) return refuse('bad-credentials', RC.badCredentials, claimed, address, failKeys);
    if (result === 'revoked') return refuse('revoked', RC.notAuthorized, claimed, address, failKeys);
    // The claim names the device as `<tenant>/<device>` (or by its bare id, the older form).
    const named = claimed === result.deviceId || claimed === `${result.tenantId}/${result.deviceId}`;
    if (!named || !isTopicLevel(result.tenantId) || !isTopicLevel(result.deviceId)) {
      log.error({ deviceId: claimed }, 'identity service returned an unusable device identity');
      return refuse('invalid-identity', RC.notAuthorized, claimed, address, []);
    }
    const principal: BrokerPrincipal = { kind: 'device', identity: result };
    if (!takeoverAllowed(client.id, principal)) {
      return refuse('client-id-in-use', RC.identifierRejected, claimed, address, []);
    }
    const previous = online.get(keyOf(result.tenantId, result.deviceId));
    if (previous && previous.client !== client) previous.offlineReason ??= 'takeover';
    principals.set(client, principal);
    sessions.set(client, {
      client,
      identity: result,
      commandsQos: null,
      online: false,
      ready: false,
      offlineReason: null,
      awaitingPuback: new Map(),
      nextMessageId: 1 + Math.floor(Math.random() * 65535),
      sentHere: new Set(),
      delivering: false,
      deliverAgain: false,
    });
    throttle.reset(idKey);
    return true;
  }

  return {
    // New connections are refused while the broker stops.
    preConnect: (_client, _packet, callback) => callback(null, !state.stopping),
    authenticate: (client, username, password, done) => {
      checkCredentials(client, username, password).then(
        (r) => (r === true ? done(null, true) : done(r, false)),
        (err: unknown) => {
          log.error({ err }, 'authentication failed with an error');
          done(refuse('error', RC.serverUnavailable, '', remoteAddress(client), []), false);
        },
      );
    },
  };
}
