import { describe, expect, it } from 'vitest';
import { ApiError, createApi, problemFrom, queryString, readCookie } from './api.ts';

function fakeFetch(respond: (url: string, init: RequestInit) => Response) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fn = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    calls.push({ url: String(input), init });
    return respond(String(input), init);
  };
  return { fn: fn as typeof fetch, calls };
}

const problem = (status: number, title: string, detail: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ type: 'about:blank', title, status, detail }), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });

describe('the API client', () => {
  it('sends the CSRF token and a JSON content type on a write', async () => {
    const f = fakeFetch(() => Response.json({ ok: true }));
    const api = createApi({ fetch: f.fn, csrf: () => 'tok-123' });
    await api.post('/alarms/x/ack', { note: 'seen' });
    const headers = f.calls[0]!.init.headers as Record<string, string>;
    expect(f.calls[0]!.url).toBe('/api/v1/alarms/x/ack');
    expect(headers['x-csrf-token']).toBe('tok-123');
    expect(headers['content-type']).toBe('application/json');
    expect(f.calls[0]!.init.body).toBe('{"note":"seen"}');
  });

  it('sends no CSRF header on a read', async () => {
    const f = fakeFetch(() => Response.json({ items: [] }));
    const api = createApi({ fetch: f.fn, csrf: () => 'tok-123' });
    expect(await api.get('/alarms')).toEqual({ items: [] });
    expect((f.calls[0]!.init.headers as Record<string, string>)['x-csrf-token']).toBeUndefined();
  });

  it('turns problem+json into an error carrying the server detail', async () => {
    const f = fakeFetch(() => problem(409, 'Conflict', 'alarm 1 is active-acknowledged'));
    const api = createApi({ fetch: f.fn, csrf: () => undefined });
    const err = await api.post('/alarms/1/ack', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(409);
    expect((err as ApiError).message).toBe('alarm 1 is active-acknowledged');
  });

  it('reports a 401 as the end of the session', async () => {
    const f = fakeFetch(() => problem(401, 'Unauthorized', 'session expired or unknown; log in again'));
    const seen: string[] = [];
    const api = createApi({ fetch: f.fn, csrf: () => undefined, onUnauthorized: (e) => seen.push(e.detail) });
    await expect(api.get('/auth/me')).rejects.toThrow('session expired');
    expect(seen).toEqual(['session expired or unknown; log in again']);
  });

  it('answers undefined for 204 No Content', async () => {
    const f = fakeFetch(() => new Response(null, { status: 204 }));
    const api = createApi({ fetch: f.fn, csrf: () => 't' });
    expect(await api.del('/users/1')).toBeUndefined();
  });
});

describe('problem details', () => {
  it('keeps Retry-After of a rate-limited answer', async () => {
    const err = await problemFrom(problem(429, 'Too Many Requests', 'too many login attempts', { 'retry-after': '30' }));
    expect(err.retryAfter).toBe(30);
    expect(err.message).toBe('too many login attempts');
  });

  it('hides an HTML error page behind a plain sentence', async () => {
    const err = await problemFrom(new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'content-type': 'text/html' } }));
    expect(err.status).toBe(502);
    expect(err.message).toBe('the server could not complete the request');
  });
});

describe('helpers', () => {
  it.each([
    { cookies: 'a=1; custodia_csrf=abc%2Fdef; b=2', value: 'abc/def' },
    { cookies: 'custodia_csrf_old=x', value: undefined },
    { cookies: '', value: undefined },
  ])('reads the CSRF cookie from "$cookies"', ({ cookies, value }) => {
    expect(readCookie(cookies, 'custodia_csrf')).toBe(value);
  });

  it('leaves empty filters out of a query string', () => {
    expect(queryString({ action: 'auth.login', actor: '', outcome: undefined, limit: 50 })).toBe('?action=auth.login&limit=50');
    expect(queryString({ a: null })).toBe('');
  });
});
