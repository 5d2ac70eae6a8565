// Brute-force defences: a user account locks after the configured number of wrong passwords,
// and then refuses even the right one (ASVS 2.2.1); an address that keeps sending wrong device
// secrets is slowed down (CONNACK 3, growing delay, platform/broker/throttle.ts), yet the right
// secret still gets in: 256-bit secrets cannot be guessed, so locking a device out would only
// hand its id to whoever wants it offline (ETSI EN 303 645 5.1-5, docs/security.md).
import { deviceCreds, tryConnect } from '../support/mqtt-probe.ts';
import { TEST_PASSWORD } from '../support/harness.ts';
import { provisionProbes } from '../support/fleet.ts';
import type { Scenario } from '../types.ts';

export const securityBruteForce: Scenario = {
  id: 'security.brute-force',
  title: 'Brute force locks out: password login and device credentials',
  requirement: 'ASVS 4.0.3 2.2.1 (anti-automation); ETSI EN 303 645 5.1-5; docs/architecture.md "People and roles"',
  indicator: 'wrong attempts before lock-out / slow-down; right password refused while locked; right device secret accepted while slowed',
  criterion: 'login locks after ≤ 5 wrong passwords and refuses the right one (429, audited); MQTT slows wrong secrets down (CONNACK 3) after ≤ 5 and still accepts the right one',
  profile: 'fast',
  async run(ctx) {
    const h = await ctx.boot({ probe: true });
    const max = h.config.login.maxFailures;
    const api = h.anonymous();
    const user = h.tenants.a.users.operator;
    const statuses: number[] = [];
    let lockedAfter: number | null = null;
    for (let i = 1; i <= max + 3; i++) {
      const res = await api.post('/api/v1/auth/login', { username: user, password: `wrong-password-${i}-xyz` });
      statuses.push(res.status);
      if (res.status === 429 && lockedAfter === null) lockedAfter = i - 1;
    }
    const right = await api.post('/api/v1/auth/login', { username: user, password: TEST_PASSWORD });
    const auditor = await h.as(h.tenants.a.users.auditor);
    const lockouts = (await auditor.get('/api/v1/audit?action=auth.lockout')).body.items as { seq: number }[];
    // Another account is unaffected by the lock-out.
    const other = await api.post('/api/v1/auth/login', { username: h.tenants.a.users['tenant-admin'], password: TEST_PASSWORD });

    const [dev] = await provisionProbes(h, 'a', 'brute', 1);
    const port = h.platform.mqttPort;
    const codes: number[] = [];
    for (let i = 1; i <= 8; i++) codes.push(await tryConnect(port, deviceCreds(dev!, `wrong-secret-${i}`)));
    const rightSecret = await tryConnect(port, deviceCreds(dev!));
    const firstThrottled = codes.indexOf(3);
    const mqttLockedAfter = firstThrottled === -1 ? null : firstThrottled;

    const loginOk = lockedAfter !== null && lockedAfter <= max && right.status === 429 && lockouts.length > 0 && other.status === 200;
    const mqttOk = mqttLockedAfter !== null && mqttLockedAfter <= 5 && rightSecret === 0;
    return {
      measured: `login locked after ${lockedAfter ?? '∞'} · MQTT slowed after ${mqttLockedAfter ?? '∞'}, right secret ${rightSecret === 0 ? 'accepted' : 'refused'}`,
      pass: loginOk && mqttOk,
      evidence: {
        configuredMaxFailures: max,
        loginStatuses: statuses,
        rightPasswordWhileLocked: right.status,
        retryAfterSeconds: right.headers.get('retry-after'),
        lockoutAuditSeqs: lockouts.map((e) => e.seq),
        otherAccountStillLogsIn: other.status === 200,
        mqttConnackCodes: codes,
        rightSecretWhileThrottled: rightSecret,
      },
    };
  },
};
