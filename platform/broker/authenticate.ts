// CONNECT: a device presents its own id and secret (ETSI EN 303 645 provision 5.1) — or, over TLS
// and without a password, a client certificate checked against its tenant's CA — an operator
// tool a scoped token under a client id outside the devices' namespace. Failures are counted per
// address only and slow that address's failures down; they never refuse valid credentials
// (./throttle.ts). The aedes hooks `preConnect` and `authenticate` (./broker.ts) are made here.
import { createHmac, randomBytes } from 'node:crypto';
import type { AedesOptions, Client } from 'aedes';
import { PLATFORM_SCOPE } from '../storage/port.ts';
import { clientById, deliverAfterConnack, peerCertificateOf, remoteAddressOf } from './aedes-adapter.ts';
import { keyOf, aedesOf, type BrokerState, type DeviceSession } from './state.ts';
import { DEFAULT_AUTH_THROTTLE, backoffMs, createFailureThrottle, memoryFailureCounter } from './throttle.ts';
import { isTopicLevel, mqttIdentity, type BrokerPrincipal } from './topics.ts';
import type { BrokerConfig, DeviceIdentity, ToolIdentity } from './types.ts';

/** Username with which an operator tool presents a scoped token instead of device credentials. */
export const TOKEN_USERNAME = 'token';

// CONNACK return codes, MQTT 3.1.1 section 3.2.2.3 (table 3.1).
const RC = { identifierRejected: 2, serverUnavailable: 3, badCredentials: 4, notAuthorized: 5 } as const;

type AuthenticateHandler = NonNullable<AedesOptions['authenticate']>;
type PreConnectHandler = NonNullable<AedesOptions['preConnect']>;
type AuthError = NonNullable<Parameters<Parameters<AuthenticateHandler>[3]>[0]>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A claimed username is attacker-chosen: control characters would make the audit entry invalid. */
const printable = (s: string) => s.replace(/\p{Cc}/gu, '?');

/** A client id may be taken over (MQTT-3.1.4-2) only by the principal that holds it; a device
 *  presenting its own valid credentials always wins its own id. */
export function takeoverAllowed(prev: BrokerPrincipal | undefined, next: BrokerPrincipal): boolean {
  if (!prev) return true;
  if (next.kind === 'device') {
    if (prev.kind !== 'device') return true;
    return prev.identity.tenantId === next.identity.tenantId && prev.identity.deviceId === next.identity.deviceId;
  }
  return prev.kind === 'tool' && prev.tool.tenantId === next.tool.tenantId && prev.tool.label === next.tool.label;
}

type ReturnCode = (typeof RC)[keyof typeof RC];
type Failure = { reason: string; code: ReturnCode; counted: boolean };

/** The platform chain's entry for a refused CONNECT: the claimed name made printable, the
 *  address only as a keyed hash (it is personal data). */
const refusalEvent = (reason: string, code: ReturnCode, claimed: string, addressHash: string, cause?: string) => ({
  actor: claimed ? `mqtt:${printable(claimed)}` : 'mqtt:anonymous',
  action: 'mqtt.connect',
  target: 'mqtt',
  outcome: 'failure' as const,
  details: { reason, ...(cause ? { cause } : {}), addressHash, returnCode: code },
});

/** Whether the identity service's answer is the device the client claimed to be, usable in topics. */
const matchesClaim = (claimed: string, result: DeviceIdentity) =>
  claimed === mqttIdentity(result.tenantId, result.deviceId) && isTopicLevel(result.tenantId) && isTopicLevel(result.deviceId);

/** A device's new broker session, before its CONNACK: not yet online, nothing in flight. */
const newSession = (client: Client, identity: DeviceIdentity): DeviceSession => ({
  client,
  identity,
  commandsQos: null,
  online: false,
  ready: false,
  offlineReason: null,
  awaitingPuback: null,
  nextMessageId: 1 + Math.floor(Math.random() * 65535),
  sentHere: null,
  delivering: false,
  deliverAgain: false,
});

export function createAuthentication(state: BrokerState): {
  preConnect: PreConnectHandler;
  authenticate: AuthenticateHandler;
} {
  const { deps, log, metrics, counts, principals, sessions, online } = state;
  const throttleCfg: NonNullable<BrokerConfig['authThrottle']> = state.cfg.authThrottle ?? DEFAULT_AUTH_THROTTLE;
  const maxDelayMs = throttleCfg.maxDelayMs ?? 2_000;
  const failures = deps.connectFailures ?? memoryFailureCounter(createFailureThrottle(throttleCfg));
  // Without a platform key, a per-broker random one: entries stay unlinkable to the address.
  const fallbackKey = randomBytes(32);
  const hashAddress =
    deps.hashAddress ?? ((address: string) => createHmac('sha256', fallbackKey).update(address).digest('base64url').slice(0, 22));

  const holderOf = (clientId: string): BrokerPrincipal | undefined => {
    const existing = clientById(aedesOf(state), clientId);
    return existing ? principals.get(existing) : undefined;
  };

  const refuse = (
    reason: string,
    code: ReturnCode,
    claimed: string,
    address: string,
    /** What the throttled attempt would have been refused for. */
    cause?: string,
  ): AuthError => {
    counts.authFailures++;
    metrics.authFailures.inc({ reason });
    // The address is personal data: the entry holds a keyed hash of it, and the rate limit of
    // the audit service bounds how many entries one address can cause (a connect storm).
    const addressHash = hashAddress(address);
    state.audit(PLATFORM_SCOPE, refusalEvent(reason, code, claimed, addressHash, cause), `mqtt-auth:${addressHash}`);
    const err: AuthError = Object.assign(new Error(`connection refused: ${reason}`), { returnCode: code });
    return err;
  };

  async function checkCredentials(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<true | AuthError> {
    state.authStartedAt.set(client, state.revocations.seq);
    const address = remoteAddressOf(client);
    // A device with a client certificate may leave the username out: its client id names it.
    const certificate = password?.length ? null : peerCertificateOf(client);
    const claimed = (username || (certificate ? client.id : '')).slice(0, 128);
    const isTool = claimed === TOKEN_USERNAME;
    const verdict = certificate && !isTool && deps.authenticateCertificate
      ? await verifyCertificate(client, claimed, certificate)
      : await verify(client, claimed, address, isTool, password);
    if (verdict === true) return true;
    const { reason, code, counted } = verdict;
    if (!counted) return refuse(reason, code, claimed, address);
    // An address over its limit: its failures are answered late and as "server unavailable"
    // (MQTT 3.1.1 has no "too many attempts"; 3 tells a client to back off). Its valid
    // credentials were still checked above and let in.
    const before = (await failures.fail(`addr:${address}`)) - 1;
    if (before >= throttleCfg.maxFailures) {
      await sleep(backoffMs(before, throttleCfg.maxFailures, maxDelayMs));
      return refuse('throttled', RC.serverUnavailable, claimed, address, reason);
    }
    return refuse(reason, code, claimed, address);
  }

  async function verify(
    client: Client,
    claimed: string,
    address: string,
    isTool: boolean,
    password: Buffer | undefined,
  ): Promise<true | Failure> {
    if (!claimed || !password || password.length === 0) {
      return { reason: 'missing-credentials', code: RC.badCredentials, counted: true };
    }
    const secret = password.toString('utf8');

    if (isTool) {
      // Tools have their own client-id namespace: anything a device id can never be.
      if (deps.isDeviceId(client.id)) return { reason: 'client-id-reserved', code: RC.identifierRejected, counted: true };
      const tool: ToolIdentity | null = deps.authenticateToken ? await deps.authenticateToken(secret) : null;
      if (!tool || !isTopicLevel(tool.tenantId)) return { reason: 'bad-token', code: RC.badCredentials, counted: true };
      const principal: BrokerPrincipal = { kind: 'tool', tool };
      if (!takeoverAllowed(holderOf(client.id), principal)) {
        return { reason: 'client-id-in-use', code: RC.identifierRejected, counted: false };
      }
      principals.set(client, principal);
      state.audit(tool.tenantId, {
        actor: tool.label,
        action: 'mqtt.connect',
        target: 'mqtt',
        outcome: 'success',
        details: { addressHash: hashAddress(address), clientId: client.id },
      });
      return true;
    }

    // The client id is the username, `<tenant>/<device>`: one session per device, and a device
    // cannot take over another's session by reusing its client id. Checked before the secret (no
    // oracle). Any other name, a bare device id included, is refused like an unknown device.
    if (client.id !== claimed) return { reason: 'client-id-mismatch', code: RC.identifierRejected, counted: false };
    const result = await deps.authenticateDevice(claimed, secret);
    if (result === null) return { reason: 'bad-credentials', code: RC.badCredentials, counted: true };
    if (result === 'revoked') return { reason: 'revoked', code: RC.notAuthorized, counted: true };
    return admitDevice(client, claimed, result);
  }

  /** A device presenting a client certificate and no password (ETSI EN 303 645 5.1-1). */
  async function verifyCertificate(client: Client, claimed: string, certificate: Buffer): Promise<true | Failure> {
    if (client.id !== claimed) return { reason: 'client-id-mismatch', code: RC.identifierRejected, counted: false };
    const result = await deps.authenticateCertificate!(claimed, certificate);
    if ('refused' in result) return { reason: `certificate-${result.refused}`, code: RC.notAuthorized, counted: true };
    return admitDevice(client, claimed, result);
  }

  function admitDevice(client: Client, claimed: string, result: DeviceIdentity): true | Failure {
    if (!matchesClaim(claimed, result)) {
      log.error({ deviceId: claimed }, 'identity service returned an unusable device identity');
      return { reason: 'invalid-identity', code: RC.notAuthorized, counted: false };
    }
    const principal: BrokerPrincipal = { kind: 'device', identity: result };
    if (!takeoverAllowed(holderOf(client.id), principal)) {
      return { reason: 'client-id-in-use', code: RC.identifierRejected, counted: false };
    }
    const previous = online.get(keyOf(result.tenantId, result.deviceId));
    if (previous && previous.client !== client) previous.offlineReason ??= 'takeover';
    principals.set(client, principal);
    sessions.set(client, newSession(client, result));
    return true;
  }

  return {
    // New connections are refused while the broker stops; nothing reaches a client before its
    // CONNACK (./aedes-adapter.ts).
    preConnect: (client, _packet, callback) => {
      deliverAfterConnack(client);
      callback(null, !state.stopping);
    },
    authenticate: (client, username, password, done) => {
      checkCredentials(client, username, password).then(
        (r) => (r === true ? done(null, true) : done(r, false)),
        (err: unknown) => {
          log.error({ err }, 'authentication failed with an error');
          done(refuse('error', RC.serverUnavailable, '', remoteAddressOf(client)), false);
        },
      );
    },
  };
}
