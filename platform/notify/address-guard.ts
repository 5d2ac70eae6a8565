// Where a webhook may be sent (ASVS 12.6.1, 5.2.6: server-side request forgery). A tenant names
// the URL, the platform makes the request: without a guard a webhook could reach the platform's own
// loopback services, the cloud metadata address or the private network behind it. Addresses are
// checked after name resolution, at connect time (a lookup hook), so a name that resolves to a
// public address at creation and to 127.0.0.1 later (DNS rebinding) is still refused.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64 embeds an IPv4 address
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) blocked.addSubnet(net, prefix, 'ipv6');

/** True when an IP address is public (may be a webhook's destination). Not an address: false. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 6) {
    // IPv4-mapped (::ffff:127.0.0.1) and IPv4-compatible forms are judged as the IPv4 address.
    const mapped = /^(?:0*:)*(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address.replace(/^\[|\]$/g, ''));
    if (mapped) return isPublicAddress(mapped[1]!);
    const lower = address.toLowerCase();
    if (/^(0*:)*ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}$/.test(lower)) {
      const [hi, lo] = lower.split(':').slice(-2).map((h) => parseInt(h, 16)) as [number, number];
      return isPublicAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
    }
    return !blocked.check(address, 'ipv6');
  }
  return !blocked.check(address, 'ipv4');
}

export class TargetRefusedError extends Error {
  override name = 'TargetRefusedError';
  readonly code = 'ETARGETREFUSED';
}

/** A webhook URL's shape: https (http only where local targets are allowed), no credentials, and
 *  an IP literal host must be public. Names are checked again at every connection. */
export function checkWebhookUrl(raw: string, allowLocal: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TargetRefusedError('not a URL');
  }
  if (url.protocol !== 'https:' && !(allowLocal && url.protocol === 'http:')) throw new TargetRefusedError('webhooks must use https');
  if (url.username || url.password) throw new TargetRefusedError('credentials in the URL are not accepted; the signature authenticates the platform');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowLocal && isIP(host) && !isPublicAddress(host)) throw new TargetRefusedError('the address is loopback, private or reserved');
  if (!allowLocal && /^(localhost|.*\.localhost|.*\.local|.*\.internal)$/i.test(host)) throw new TargetRefusedError('the name is a local one');
  return url;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for http.request that refuses names resolving to any non-public address. */
export function guardedLookup(allowLocal: boolean) {
  return (hostname: string, options: { all?: boolean; family?: number } | number, cb: LookupCallback): void => {
    const opts = typeof options === 'number' ? { family: options } : options;
    dnsLookup(hostname, { all: true, ...(opts.family ? { family: opts.family } : {}) }, (err, addresses) => {
      if (err) return cb(err, '');
      const bad = allowLocal ? undefined : addresses.find((a) => !isPublicAddress(a.address));
      if (bad || !addresses.length) return cb(new TargetRefusedError('the name resolves to a loopback, private or reserved address'), '');
      if (opts.all) return cb(null, addresses);
      cb(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
