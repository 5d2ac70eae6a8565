import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, guardedLookup, isPublicAddress } from './address-guard.ts';
import { postWebhook } from './channels.ts';

describe('webhook address guard (ASVS 12.6.1, 5.2.6)', () => {
  it.each([
    ['127.0.0.1', false],
    ['127.1.2.3', false],
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['172.31.255.255', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false], // cloud metadata
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['224.0.0.1', false],
    ['255.255.255.255', false],
    ['::1', false],
    ['::', false],
    ['fe80::1', false],
    ['fd12:3456::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:7f00:1', false],
    ['64:ff9b::7f00:1', false],
    ['not-an-address', false],
    ['8.8.8.8', true],
    ['172.32.0.1', true],
    ['2606:4700::1111', true],
    ['::ffff:8.8.8.8', true],
  ])('%s public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });

  it.each([
    ['https://127.0.0.1/hook', 'loopback'],
    ['https://[::1]/hook', 'loopback'],
    ['https://169.254.169.254/latest/meta-data', 'loopback'],
    ['https://localhost:8080/hook', 'local'],
    ['http://example.org/hook', 'https'],
    ['https://user:pw@example.org/hook', 'credentials'],
    ['ftp://example.org/', 'https'],
  ])('refuses %s unless local targets are allowed', (url, why) => {
    expect(() => checkWebhookUrl(url, false)).toThrow(new RegExp(why));
  });

  it('accepts public https URLs, and local ones only when allowed', () => {
    expect(checkWebhookUrl('https://hooks.example.org/custodia', false).hostname).toBe('hooks.example.org');
    expect(checkWebhookUrl('http://127.0.0.1:9/hook', true).port).toBe('9');
  });

  it('refuses at connect time a name that resolves to loopback, and nothing reaches the receiver (ASVS 12.6.1)', async () => {
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      expect(await postWebhook(`https://localhost:${port}/`, '{}', {}, { allowLocal: false, timeoutMs: 2000 })).toEqual({ ok: false, error: 'ETARGETREFUSED' });
      expect(await postWebhook(`https://127.0.0.1:${port}/`, '{}', {}, { allowLocal: false, timeoutMs: 2000 })).toEqual({ ok: false, error: 'ETARGETREFUSED' });
      expect(hits).toBe(0);
      expect(await postWebhook(`http://localhost:${port}/`, '{}', {}, { allowLocal: true, timeoutMs: 2000 })).toEqual({ ok: true, status: 200 });
      expect(hits).toBe(1);
    } finally {
      server.close();
    }
  });

  it('the connect-time lookup refuses a name resolving to loopback (DNS rebinding), and passes it when allowed', async () => {
    const look = (allow: boolean) =>
      new Promise<unknown>((resolve) => guardedLookup(allow)('localhost', { all: true }, (err, addresses) => resolve(err ?? addresses)));
    expect(await look(false)).toMatchObject({ code: 'ETARGETREFUSED' });
    expect(await look(true)).toEqual(expect.arrayContaining([expect.objectContaining({ address: expect.stringMatching(/^(127\.0\.0\.1|::1)$/) })]));
  });
});
