/**
 * The one way the app talks to netfin: same origin, the session cookie, JSON in and out. Every POST,
 * PUT and DELETE carries an Idempotency-Key, so that a double click or a retried request changes
 * nothing twice. Errors come back as ApiError with netfin's code, shown in the user's language.
 */
export interface Money {
  readonly amount: string;
  readonly currency: string;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function newKey(): string {
  return crypto.randomUUID();
}

/**
 * Keys the server has answered with a 4xx. netfin stores that answer under the key and replays it
 * (or, with another body, refuses the key), so a form that keeps its key for the next submit, after the
 * person corrects a field, must not send it again: such a key is swapped for a new one here. A key that
 * succeeded, or failed on the network or with a 5xx, is kept: sending it again is the safe retry.
 */
const spent = new Set<string>();

type Query = Record<string, string | number | boolean | undefined | null>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  options: { query?: Query; key?: string } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let key: string | undefined;
  if (method !== 'GET') {
    key = options.key && !spent.has(options.key) ? options.key : newKey();
    headers['idempotency-key'] = key;
  }
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'netfin could not be reached');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const error = (json as { error?: { code?: string; message?: string; details?: unknown } })?.error;
    // "in use": the first request with this key is still running; the key is not spent.
    if (options.key && response.status < 500 && error?.code !== 'idempotency_key_in_use')
      spent.add(options.key);
    throw new ApiError(
      response.status,
      error?.code ?? `http_${response.status}`,
      error?.message ?? response.statusText,
      error?.details,
    );
  }
  return json as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, undefined, { query }),
  post: <T>(path: string, body?: unknown, key?: string) => request<T>('POST', path, body ?? {}, { key }),
  put: <T>(path: string, body: unknown, key?: string) => request<T>('PUT', path, body, { key }),
  delete: <T>(path: string) => request<T>('DELETE', path),
};
