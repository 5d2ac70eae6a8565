// Brute-force defences: a user account locks after the configured number of wrong passwords,
// and then refuses even the right one (ASVS 2.2.1); a device id, and the address trying it, are
// throttled after repeated wrong secrets and then refused even with the right secret (CONNACK 3,
// platform/broker/throttle.ts). Both lock-outs are audited.
import { tryConnect } from '../support/mqtt-probe.ts';
import { TEST_PASSWORD } from '../support/harness.ts';
import { provisionProbes } from '../support/fleet.ts';
import type { Scenario } from '../types.ts';

export const securityBruteForce: Scenario = {
  id: 'security.brute-force',
  title: 'Brute force locks out: password login and device credentials',
  requirement: 'ASVS 4.0.3 2.2.1 (anti-automation); ETSI EN 303 645 5.1-5; docs/architecture.md "People and roles"',
  indicator: 'wrong attempts accepted before lock-out; right credentials accepted while locked',
  criterion: 'login locks after ≤ 5 wrong passwords and refuses the right one (429, audited); MQTT refuses the right secret after ≤ 5 wrong ones',
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
    for (let i = 1; i <= 8; i++) codes.push(await tryConnect(port, { clientId: dev!.id, username: dev!.id, password: `wrong-secret-${i}` }));
    const rightSecret = await tryConnect(port, { clientId: dev!.id, username: dev!.id, password: dev!.secret });
    const firstThrottled = codes.indexOf(3);
    const mqttLockedAfter = firstThrottled === -1 ? null : firstThrottled;

    const loginOk = lockedAfter !== null && lockedAfter <= max && right.status === 429 && lockouts.length > 0 && other.status === 200;
    const mqttOk = mqttLockedAfter !== null && mqttLockedAfter <= 5 && rightSecret !== 0;
    return {
      measured: `login locked after ${lockedAfter ?? '∞'} · MQTT after ${mqttLockedAfter ?? '∞'}`,
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
