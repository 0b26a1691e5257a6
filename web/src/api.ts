// Every call to the canbao API: JSON in and out, the session cookie sent by the browser, and the
// API's one error shape ({ error: { code, message, where } }) turned into an ApiError whose message
// is already the Chinese text to show.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly where: string,
  ) {
    super(message);
  }
}

/** Called when the session has ended (401), so the app can return to the login page. */
let onUnauthenticated: () => void = () => {};
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', '无法连接服务器，请检查网络或稍后重试', '');
  }
  const text = await res.text();
  const data = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string; where?: string } } | undefined)?.error;
    const error = new ApiError(
      res.status,
      e?.code ?? 'HTTP',
      e?.message ?? `请求失败（${res.status}）`,
      e?.where ?? '',
    );
    if (res.status === 401 && !path.startsWith('/api/auth/login')) onUnauthenticated();
    throw error;
  }
  return data as T;
}

export const get = <T>(path: string, query?: Query) => api<T>('GET', withQuery(path, query));
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});

/** The message to show for any failure. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
