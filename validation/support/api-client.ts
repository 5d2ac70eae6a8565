// A small HTTP client for tests and tools: bearer-token or cookie sessions against the real API.
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  contentType: string;
}

export class ApiClient {
  token: string | undefined;
  cookie: string | undefined;
  csrf: string | undefined;

  constructor(readonly baseUrl: string) {}

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const h: Record<string, string> = { ...headers };
    if (body !== undefined && typeof body !== 'string') h['content-type'] ??= 'application/json';
    if (this.token) h.authorization = `Bearer ${this.token}`;
    if (this.cookie) h.cookie = this.cookie;
    if (this.cookie && this.csrf) h['x-csrf-token'] ??= this.csrf;
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: h,
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const contentType = res.headers.get('content-type') ?? '';
    const text = await res.text();
    let parsed: unknown = text;
    if (contentType.includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed as T, contentType };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body: unknown = {}) {
    return this.request<T>('POST', path, body);
  }
  patch<T = any>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body);
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }

  /** Bearer-token login (tools). */
  async login(username: string, password: string): Promise<this> {
    const res = await this.post<{ token: string }>('/api/v1/auth/token', { username, password });
    if (res.status !== 200) throw new Error(`login of ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    this.token = res.body.token;
    return this;
  }

  /** Browser-like login: session cookie + CSRF token. */
  async loginWithCookie(username: string, password: string): Promise<this> {
    const res = await this.post<{ csrfToken: string }>('/api/v1/auth/login', { username, password });
    if (res.status !== 200) throw new Error(`login of ${username} failed: ${res.status}`);
    const setCookie = res.headers.getSetCookie();
    this.cookie = setCookie.map((c) => c.split(';')[0]).join('; ');
    this.csrf = res.body.csrfToken;
    return this;
  }
}
