/**
 * The CLI's only way to the service: the HTTP API of the contract, through Node's global fetch. Every
 * failure becomes one of two errors the entry point knows how to explain: the API answered with its
 * error shape (ApiError), or nothing answered at all (ConnectionError).
 */

export interface ErrorDetail {
  path?: string;
  message?: string;
  [key: string]: unknown;
}

/** The API answered with an error: the contract's `{ error: { code, message, details } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** No HTTP answer: refused, reset, unknown host, timeout. */
export class ConnectionError extends Error {
  constructor(
    readonly api: string,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'ConnectionError';
  }
}

/** The errno-style code of a fetch failure: undici hides it in `cause`, sometimes in an AggregateError. */
function networkCode(error: unknown): string | undefined {
  const cause = (error as { cause?: unknown }).cause;
  if (typeof cause !== 'object' || cause === null) return undefined;
  const code = (cause as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const inner = (cause as { errors?: unknown[] }).errors;
  const first = inner?.find((e): e is { code: string } => typeof (e as { code?: unknown })?.code === 'string');
  return first?.code;
}

function connectionError(api: string, error: unknown): ConnectionError {
  const code = networkCode(error);
  if (code === 'ECONNREFUSED') return new ConnectionError(api, `cannot reach the API at ${api}: connection refused (is npm start running? or pass --api URL)`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new ConnectionError(api, `cannot reach the API at ${api}: unknown host (check --api or BADGES_API)`);
  const cause = (error as { cause?: unknown }).cause;
  const what = code ?? (cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error));
  return new ConnectionError(api, `cannot reach the API at ${api}: ${what}`);
}

async function apiError(res: Response): Promise<ApiError> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    if (body.error && typeof body.error.message === 'string') {
      const details = Array.isArray(body.error.details) ? body.error.details : [];
      return new ApiError(res.status, String(body.error.code ?? res.status), body.error.message, details);
    }
  } catch {
    // Not the contract's shape (a proxy, a gateway page): report what came back.
  }
  return new ApiError(res.status, `http_${res.status}`, `HTTP ${res.status} ${res.statusText}${text ? `: ${text.slice(0, 200)}` : ''}`, []);
}

export interface ApiClientOptions {
  api: string;
  token: string;
}

export class ApiClient {
  readonly api: string;
  private readonly token: string;

  constructor(options: ApiClientOptions) {
    this.api = options.api.replace(/\/+$/, '');
    this.token = options.token;
  }

  /** One call; resolves to the raw response when it is 2xx, else throws ApiError or ConnectionError. */
  async send(method: string, path: string, body?: string): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.api}${path}`, { method, headers, body });
    } catch (error) {
      throw connectionError(this.api, error);
    }
    if (!res.ok) throw await apiError(res);
    return res;
  }

  /** One call whose 2xx answer is JSON. */
  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.send(method, path, body === undefined ? undefined : JSON.stringify(body));
    return (await res.json()) as T;
  }

  /** POST of a body already serialised (ingest builds its batches as text). */
  async postText<T>(path: string, body: string): Promise<T> {
    const res = await this.send('POST', path, body);
    return (await res.json()) as T;
  }
}
