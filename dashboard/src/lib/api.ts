// The one way the console talks to the platform API (/api/v1): JSON in and out, the CSRF header
// on every write (platform/api/auth.ts), and RFC 9457 problem+json turned into an ApiError whose
// message is the server's `detail`, so views can show it as it is.

export const API_BASE = '/api/v1';
export const CSRF_COOKIE = 'custodia_csrf';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly retryAfter?: number,
    /** The problem document's other members (e.g. `errors` by line of a bulk upload). */
    readonly problem: Record<string, unknown> = {},
  ) {
    super(detail || title || `request failed (${status})`);
    this.name = 'ApiError';
  }
}

/** Reads one cookie from a `document.cookie`-style string. */
export function readCookie(cookies: string, name: string): string | undefined {
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}

/** An ApiError from a failed response; problem+json when the server sent it, else the status line. */
export async function problemFrom(res: Response): Promise<ApiError> {
  const type = res.headers.get('content-type') ?? '';
  const retry = Number(res.headers.get('retry-after'));
  const retryAfter = Number.isFinite(retry) && retry > 0 ? retry : undefined;
  if (type.includes('json')) {
    try {
      const body = (await res.json()) as { title?: unknown; detail?: unknown };
      const title = typeof body.title === 'string' ? body.title : res.statusText;
      const detail = typeof body.detail === 'string' ? body.detail : title;
      return new ApiError(res.status, title, detail, retryAfter, body && typeof body === 'object' ? (body as Record<string, unknown>) : {});
    } catch {
      // fall through: a broken body still has a status
    }
  }
  const title = res.statusText || `HTTP ${res.status}`;
  return new ApiError(res.status, title, res.status >= 500 ? 'the server could not complete the request' : title, retryAfter);
}

export interface ApiOptions {
  base?: string;
  fetch?: typeof fetch;
  /** The CSRF token to send on writes (from the login answer or the readable cookie). */
  csrf: () => string | undefined;
  /** Called on any 401: the session is gone (expired, revoked, or never there). */
  onUnauthorized?: (err: ApiError) => void;
}

export interface Api {
  get<T>(path: string, init?: { signal?: AbortSignal }): Promise<T>;
  post<T>(path: string, body?: unknown, init?: { signal?: AbortSignal }): Promise<T>;
  put<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body?: unknown): Promise<T>;
  del<T = void>(path: string): Promise<T>;
  /** A raw GET for downloads (exports): checked like the others, body left to the caller. */
  download(path: string): Promise<Response>;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function createApi(opts: ApiOptions): Api {
  const base = opts.base ?? API_BASE;
  const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function send(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    if (WRITES.has(method)) {
      headers['content-type'] = 'application/json';
      const token = opts.csrf();
      if (token) headers['x-csrf-token'] = token;
    }
    const res = await doFetch(base + path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : WRITES.has(method) && method !== 'DELETE' ? { body: '{}' } : {}),
      ...(signal ? { signal } : {}),
    });
    if (!res.ok) {
      const err = await problemFrom(res);
      if (res.status === 401) opts.onUnauthorized?.(err);
      throw err;
    }
    return res;
  }

  async function json<T>(res: Response): Promise<T> {
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  return {
    get: async (path, init) => json(await send('GET', path, undefined, init?.signal)),
    post: async (path, body, init) => json(await send('POST', path, body, init?.signal)),
    put: async (path, body) => json(await send('PUT', path, body)),
    patch: async (path, body) => json(await send('PATCH', path, body)),
    del: async (path) => json(await send('DELETE', path)),
    download: (path) => send('GET', path),
  };
}

/** Query string from a filter object: empty values are left out, so defaults stay the server's. */
export function queryString(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const isAbort = (err: unknown) => err instanceof DOMException && err.name === 'AbortError';
