// The preflight's one HTTP client: Node's fetch with a bounded wait on every request, JSON bodies, and the error
// shape Google's APIs answer with. Google credentials are added only by `GoogleClient`, never to a registry request.
import { Endpoints, GoogleApi } from "./endpoints";

/** What adds the caller's credentials: google-auth-library's GoogleAuth (Application Default Credentials) or any of
 * its auth clients, e.g. an OAuth2Client holding a fixed access token in tests. */
export interface RequestAuth {
  getRequestHeaders(url?: string | URL): Promise<Headers>;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  readonly json: unknown;
  readonly text: string;
}

/** Default bound on one request, connection to last byte. */
export const DEFAULT_TIMEOUT_MS = 20_000;

/** One request; a network error or timeout is thrown as an Error naming the URL. */
export async function request(
  method: string,
  url: string,
  options: { headers?: Headers | Record<string, string>; body?: unknown; timeoutMs?: number } = {},
): Promise<HttpResponse> {
  const headers = new Headers(options.headers);
  if (options.body !== undefined) headers.set("Content-Type", "application/json");
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      redirect: "follow",
    });
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause;
    throw new Error(`${method} ${url}: ${cause?.message ?? (error as Error).message}`, { cause: error });
  }
  const text = method === "HEAD" ? "" : await response.text();
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

/** Google's error message from a non-2xx response (`{"error": {"code", "message", "status"}}`), or the HTTP status. */
export function googleError(response: HttpResponse): string {
  const error = (response.json as { error?: { message?: unknown; status?: unknown } } | undefined)?.error;
  const message = typeof error?.message === "string" ? error.message : response.text.slice(0, 200) || "no message";
  const status = typeof error?.status === "string" ? ` ${error.status}` : "";
  return `HTTP ${response.status}${status}: ${message}`;
}

/** The API a 403 says is disabled (google.rpc.ErrorInfo reason SERVICE_DISABLED), with the project it is
 * disabled in (the project billed for the call: with user credentials, their quota project). */
export function disabledService(response: HttpResponse): { service: string; consumer: string } | undefined {
  const details = (response.json as { error?: { details?: unknown } } | undefined)?.error?.details;
  if (!Array.isArray(details)) return undefined;
  for (const d of details as { reason?: unknown; metadata?: { service?: unknown; consumer?: unknown } }[]) {
    if (d.reason === "SERVICE_DISABLED" && typeof d.metadata?.service === "string") {
      return { service: d.metadata.service, consumer: String(d.metadata.consumer ?? "").replace(/^projects\//, "") };
    }
  }
  return undefined;
}

/** The fix for a refused call: enable the API when it is disabled, else `otherwise`. */
export function refusalFix(response: HttpResponse, otherwise: string): string {
  const disabled = disabledService(response);
  return disabled ? `enable the API: gcloud services enable ${disabled.service} --project ${disabled.consumer}` : otherwise;
}

/** Authenticated JSON calls to Google's APIs, at paths relative to each API's root URL. */
export class GoogleClient {
  constructor(
    private readonly auth: RequestAuth,
    private readonly endpoints: Endpoints,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  /** GET or POST `path` (the discovery document's `path`, already expanded) of `api`. */
  async call(api: GoogleApi, method: "GET" | "POST", path: string, body?: unknown): Promise<HttpResponse> {
    const url = `${this.endpoints.google(api)}${path}`;
    const headers = await this.auth.getRequestHeaders(url);
    return request(method, url, { headers, body, timeoutMs: this.timeoutMs });
  }

  /** The caller's access token, for Google's own registries (Artifact Registry, Container Registry). */
  async accessToken(url: string): Promise<string | undefined> {
    const authorization = (await this.auth.getRequestHeaders(url)).get("authorization");
    return authorization?.replace(/^Bearer\s+/i, "");
  }
}
