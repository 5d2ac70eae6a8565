// Single MQTT attempts with a definite verdict each: a subscription granted or refused (SUBACK
// 0x80, MQTT 3.1.1 §3.9.3), a publish acknowledged or answered by closing the connection
// (aedes: no negative PUBACK in 3.1.1), a CONNECT accepted or refused with its return code.
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { mqttIdentity } from '../../platform/broker/topics.ts';

export interface Creds {
  id: string;
  tenantId: string;
  secret: string;
}

/** A device's CONNECT credentials: username and client id `<tenant>/<device>`, its secret. */
export const deviceCreds = (d: Creds, secret = d.secret): IClientOptions => {
  const name = mqttIdentity(d.tenantId, d.id);
  return { clientId: name, username: name, password: secret };
};

export function connect(port: number, opts: IClientOptions): Promise<MqttClient> {
  return mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 5000, ...opts });
}

export const connectDevice = (port: number, d: Creds, extra: IClientOptions = {}) =>
  connect(port, { ...deviceCreds(d), ...extra });

/** CONNECT outcome: 0 when accepted, else the CONNACK return code (or -1 for another failure). */
export async function tryConnect(port: number, opts: IClientOptions): Promise<number> {
  try {
    const c = await connect(port, opts);
    await c.endAsync(true);
    return 0;
  } catch (err) {
    const code = (err as { code?: number }).code;
    return typeof code === 'number' ? code : -1;
  }
}

/** True when the broker granted the subscription. */
export async function trySubscribe(client: MqttClient, filter: string, qos: 0 | 1 = 1): Promise<boolean> {
  try {
    const granted = await client.subscribeAsync(filter, { qos });
    return granted.every((g) => g.qos !== 128);
  } catch {
    return false;
  }
}

/** 'acked' when a QoS 1 publish got its PUBACK, 'closed' when the broker dropped the connection. */
export function tryPublish(client: MqttClient, topic: string, payload: string, timeoutMs = 3000): Promise<'acked' | 'closed' | 'timeout'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    const onClose = () => finish('closed');
    let settled = false;
    function finish(v: 'acked' | 'closed' | 'timeout') {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.off('close', onClose);
      resolve(v);
    }
    client.once('close', onClose);
    client.publish(topic, payload, { qos: 1 }, (err) => finish(err ? 'closed' : 'acked'));
  });
}
