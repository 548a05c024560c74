// The caller's own access to the cluster: the current context of their kubeconfig (KUBECONFIG or ~/.kube/config), as
// `gcloud container clusters get-credentials ... --dns-endpoint` writes it. @kubernetes/client-node reads the file and
// adds the credentials (the gke-gcloud-auth-plugin exec plugin, tokens, client certificates); each request is a GET
// over Node's https with its own time bound. No Terraform state is read.
import * as http from "http";
import * as https from "https";

export interface KubeResponse {
  readonly status: number;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
  readonly text: string;
}

/** Read access to one API server. */
export interface KubeApi {
  /** The API server's URL and the kubeconfig context, for the report's first line. */
  readonly server: string;
  readonly context: string;
  /** GET `path` (with its query string); a network error or timeout is thrown as an Error naming the path. */
  get(path: string, timeoutMs: number): Promise<KubeResponse>;
}

/** The API server of the kubeconfig's current context (or of `context`), with the caller's credentials. */
export async function kubeApi(context?: string): Promise<KubeApi> {
  // Loaded here, not at the top: the unit tests and the offline code paths never need it.
  const { KubeConfig } = await import("@kubernetes/client-node");
  const kc = new KubeConfig();
  kc.loadFromDefault();
  if (context !== undefined) kc.setCurrentContext(context);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`the kubeconfig has no cluster for context "${kc.getCurrentContext()}"`);
  const server = cluster.server.replace(/\/+$/, "");
  return {
    server,
    context: kc.getCurrentContext(),
    async get(path, timeoutMs) {
      const options: https.RequestOptions = { method: "GET", headers: { Accept: "application/json" } };
      await kc.applyToHTTPSOptions(options);
      return getUrl(`${server}${path}`, options, timeoutMs);
    },
  };
}

/**
 * The API server at `server` (GKE's DNS endpoint, whose certificate is publicly trusted) with the caller's Application
 * Default Credentials: for CI runners that have no gcloud or kubeconfig, only the deployer's Google identity.
 */
export async function googleKubeApi(server: string): Promise<KubeApi> {
  const { GoogleAuth } = await import("google-auth-library");
  const auth = new GoogleAuth({ scopes: ["https://www.googleapis.com/auth/cloud-platform"] });
  const base = server.replace(/\/+$/, "");
  return {
    server: base,
    context: "Application Default Credentials",
    async get(path, timeoutMs) {
      const headers = await auth.getRequestHeaders();
      return getUrl(
        `${base}${path}`,
        { method: "GET", headers: { Accept: "application/json", Authorization: headers.get("authorization") ?? "" } },
        timeoutMs,
      );
    },
  };
}

/** One GET, bounded by `timeoutMs` from connection to last byte. */
export function getUrl(url: string, options: https.RequestOptions, timeoutMs: number): Promise<KubeResponse> {
  const client = url.startsWith("http:") ? http : https;
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => reject(new Error(`GET ${new URL(url).pathname}: ${error.message}`, { cause: error }));
    const request = client.request(url, { ...options, signal: AbortSignal.timeout(timeoutMs) }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", fail);
      response.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: response.statusCode ?? 0, json, text });
      });
    });
    request.on("error", (error) => fail(error.name === "AbortError" ? new Error(`no answer within ${timeoutMs / 1000} s`) : error));
    request.end();
  });
}

/** The message of a Kubernetes Status answer (`{"kind": "Status", "message", "reason"}`), or the HTTP status. */
export function statusMessage(response: KubeResponse): string {
  const body = response.json as { kind?: unknown; message?: unknown; reason?: unknown } | undefined;
  if (body?.kind === "Status" && typeof body.message === "string") {
    return `HTTP ${response.status}${typeof body.reason === "string" ? ` ${body.reason}` : ""}: ${body.message}`;
  }
  return `HTTP ${response.status}: ${response.text.trim().slice(0, 200) || "no body"}`;
}
