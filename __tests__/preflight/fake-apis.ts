// A local HTTP server on 127.0.0.1 that answers as Google's APIs and the registries are documented to, for the
// preflight's tests (the shapes and their sources: __tests__/contracts/google-apis.test.ts and
// oci-distribution.test.ts). Everything lives under one base URL, as the preflight's `baseUrl` option lays it out:
// `<base>/<api>/<discovery path>` and `<base>/registry/<host>/v2/...`. Every request is recorded.
import * as http from "http";
import { AddressInfo } from "net";
import { OAuth2Client } from "google-auth-library";
import { EnvironmentConfig } from "../../config";
import { serviceImages } from "../../stacks/service-images";
import { isGoogleRegistry, parseImageRef } from "../../preflight/registry";

/** The access token the fake Google APIs accept. */
export const ACCESS_TOKEN = "test-access-token";

/** An auth client holding ACCESS_TOKEN, valid for an hour: google-auth-library never needs to reach Google. */
export function fixedTokenAuth(token = ACCESS_TOKEN): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: token, token_type: "Bearer", expiry_date: Date.now() + 3_600_000 });
  return client;
}

export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: unknown;
}

/** One quota entry of Compute Engine's Region.quotas. */
export interface Quota {
  readonly metric: string;
  readonly limit: number;
  readonly usage: number;
}

/** A registry: its repositories and their tags (or digests), and whether it wants a bearer token first. */
export interface FakeRegistry {
  /** "library/nats" -> ["2.10.10"] */
  readonly repositories: Record<string, string[]>;
  /** Docker Hub, quay.io and public.ecr.aws: 401 with a Bearer challenge, anonymous token from the realm. */
  readonly tokenChallenge?: boolean;
  /** Google's registries: the caller's Google access token, sent as is. */
  readonly googleToken?: boolean;
}

/** What the fake knows; tests change it between runs. */
export interface FakeState {
  /** The project the APIs answer for. */
  project: string;
  /** Permissions the caller holds on the project. */
  held: Set<string>;
  /** Effective policies by constraint: the Policy's `spec` (absent: no policy anywhere), or an HTTP error status. */
  policies: Record<string, { spec?: unknown } | number>;
  /** Regions by name: their quotas, or an HTTP error status. */
  regions: Record<string, Quota[] | number>;
  /** Buckets by name: `versioning.enabled`, or an HTTP error status. */
  buckets: Record<string, { versioning: boolean } | number>;
  /** Registries by API host. */
  registries: Record<string, FakeRegistry>;
  /** Permissions the caller holds on other projects (a Shared VPC host project), by project id. */
  heldIn?: Record<string, Set<string>>;
  /** Compute Engine subnetworks by "<project>/<region>/<name>": the Subnetwork's fields, or an HTTP error status. */
  subnetworks?: Record<string, object | number>;
  /** The project's parent as projects.get names it (absent: a project outside any organisation). */
  parent?: string;
  /** APIs not enabled in the caller's project: 403 with an ErrorInfo of reason SERVICE_DISABLED. */
  disabled?: string[];
}

/** Google's error body (google.rpc.Status in JSON). */
function googleError(res: http.ServerResponse, code: number, status: string, message: string): void {
  json(res, code, { error: { code, message, status } });
}

function json(res: http.ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(code, { "Content-Type": "application/json; charset=UTF-8", ...headers });
  res.end(JSON.stringify(body));
}

export class FakeApis {
  readonly requests: Recorded[] = [];
  state: FakeState;
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  private port = 0;

  constructor(state: FakeState) {
    this.state = state;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Listens on an ephemeral port of 127.0.0.1. */
  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Closes the server and every open connection. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The recorded requests whose path starts with `prefix`. */
  requestsTo(prefix: string): Recorded[] {
    return this.requests.filter((r) => r.path.startsWith(prefix));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = text === "" ? undefined : JSON.parse(text);
      } catch {
        // a form body (STS) stays text
      }
      const url = new URL(req.url ?? "/", this.baseUrl);
      this.requests.push({ method: req.method ?? "", path: `${url.pathname}${url.search}`, headers: req.headers, body });
      try {
        this.route(req, res, url, body);
      } catch (error) {
        json(res, 500, { error: { code: 500, message: String(error), status: "INTERNAL" } });
      }
    });
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: unknown): void {
    const path = decodeURIComponent(url.pathname);
    const [, api, ...rest] = path.split("/");
    if (api === "registry") return this.registry(req, res, rest.join("/"));
    if (api === "registry-auth") return this.registryToken(res, url);
    if (api === "sts")
      return json(res, 200, {
        access_token: ACCESS_TOKEN,
        issued_token_type: "urn:ietf:params:oauth:token-type:access_token",
        token_type: "Bearer",
        expires_in: 3600,
      });
    if (req.headers.authorization !== `Bearer ${ACCESS_TOKEN}`) {
      return googleError(res, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
    }
    if (this.state.disabled?.includes(api)) {
      return json(res, 403, {
        error: {
          code: 403,
          message: `${api} API has not been used in project 123456789012 before or it is disabled.`,
          status: "PERMISSION_DENIED",
          details: [
            {
              "@type": "type.googleapis.com/google.rpc.ErrorInfo",
              reason: "SERVICE_DISABLED",
              domain: "googleapis.com",
              metadata: { service: `${api}.googleapis.com`, consumer: "projects/123456789012" },
            },
          ],
        },
      });
    }
    const p = this.state.project;
    const route = `${req.method} /${rest.join("/")}`;
    let m: RegExpExecArray | null;
    if (api === "cloudresourcemanager" && (m = /^POST \/v3\/projects\/([^/:]+):testIamPermissions$/.exec(route))) {
      const held = m[1] === p ? this.state.held : this.state.heldIn?.[m[1]];
      if (!held) return googleError(res, 403, "PERMISSION_DENIED", `The caller does not have permission on ${m[1]}`);
      const asked = (body as { permissions?: string[] } | undefined)?.permissions ?? [];
      // The size the preflight keeps to; the fake refuses more so a larger batch fails the tests.
      if (asked.length > 100) return googleError(res, 400, "INVALID_ARGUMENT", "Too many permissions in the request");
      const granted = asked.filter((x) => held.has(x));
      // proto3 JSON leaves an empty repeated field out.
      return json(res, 200, granted.length > 0 ? { permissions: granted } : {});
    }
    if (api === "cloudresourcemanager" && (m = /^GET \/v3\/projects\/([^/:]+)$/.exec(route))) {
      if (m[1] !== p) return googleError(res, 403, "PERMISSION_DENIED", `The caller does not have permission on ${m[1]}`);
      return json(res, 200, { name: "projects/123456789012", projectId: p, ...(this.state.parent ? { parent: this.state.parent } : {}) });
    }
    if (api === "orgpolicy" && (m = /^GET \/v2\/projects\/([^/]+)\/policies\/([^/:]+):getEffectivePolicy$/.exec(route))) {
      if (m[1] !== p) return googleError(res, 403, "PERMISSION_DENIED", "Permission denied on resource project");
      const policy = this.state.policies[m[2]];
      if (typeof policy === "number")
        return googleError(res, policy, policy === 403 ? "PERMISSION_DENIED" : "NOT_FOUND", "Permission 'orgpolicy.policy.get' denied");
      // The response names the project by number.
      return json(res, 200, { name: `projects/123456789012/policies/${m[2]}`, ...(policy?.spec ? { spec: policy.spec } : {}) });
    }
    if (api === "compute" && (m = /^GET \/compute\/v1\/projects\/([^/]+)\/regions\/([^/]+)$/.exec(route))) {
      const region = m[1] === p ? this.state.regions[m[2]] : 403;
      if (region === undefined) return googleError(res, 404, "NOT_FOUND", `The resource 'projects/${p}/regions/${m[2]}' was not found`);
      if (typeof region === "number") return googleError(res, region, "PERMISSION_DENIED", "Required 'compute.regions.get' permission");
      return json(res, 200, { kind: "compute#region", name: m[2], status: "UP", quotas: region, zones: [] });
    }
    if (api === "compute" && (m = /^GET \/compute\/v1\/projects\/([^/]+)\/regions\/([^/]+)\/subnetworks\/([^/]+)$/.exec(route))) {
      const subnetwork = this.state.subnetworks?.[`${m[1]}/${m[2]}/${m[3]}`];
      if (subnetwork === undefined) {
        return googleError(res, 404, "NOT_FOUND", `The resource 'projects/${m[1]}/regions/${m[2]}/subnetworks/${m[3]}' was not found`);
      }
      if (typeof subnetwork === "number")
        return googleError(res, subnetwork, "PERMISSION_DENIED", "Required 'compute.subnetworks.get' permission");
      return json(res, 200, { kind: "compute#subnetwork", name: m[3], ...subnetwork });
    }
    if (api === "storage" && (m = /^GET \/storage\/v1\/b\/([^/]+)$/.exec(route))) {
      const bucket = this.state.buckets[m[1]];
      if (bucket === undefined) return googleError(res, 404, "NOT_FOUND", "The specified bucket does not exist.");
      if (typeof bucket === "number") return googleError(res, bucket, "PERMISSION_DENIED", "does not have storage.buckets.get access");
      return json(res, 200, { kind: "storage#bucket", name: m[1], location: "EU", versioning: { enabled: bucket.versioning } });
    }
    return googleError(res, 404, "NOT_FOUND", `no fake for ${route} of ${api}`);
  }

  /** HEAD <host>/v2/<name>/manifests/<reference>. */
  private registry(req: http.IncomingMessage, res: http.ServerResponse, rest: string): void {
    const m = /^([^/]+)\/v2\/(.+)\/manifests\/([^/]+)$/.exec(rest);
    const registry = m ? this.state.registries[m[1]] : undefined;
    if (!m || !registry || req.method !== "HEAD") {
      res.writeHead(404);
      return void res.end();
    }
    const [, host, name, reference] = m;
    const auth = req.headers.authorization;
    if (registry.googleToken && auth !== `Bearer ${ACCESS_TOKEN}`) {
      res.writeHead(401);
      return void res.end();
    }
    if (registry.tokenChallenge && auth !== `Bearer anonymous:repository:${name}:pull`) {
      res.writeHead(401, {
        "Content-Type": "application/json",
        "WWW-Authenticate": `Bearer realm="${this.baseUrl}/registry-auth/${host}/token",service="${host}",scope="repository:${name}:pull"`,
      });
      return void res.end();
    }
    const tags = registry.repositories[name];
    // Docker Hub answers a repository it does not have (or may not show) as unauthorized.
    if (!tags) {
      res.writeHead(401, { "Content-Type": "application/json" });
      return void res.end();
    }
    if (!tags.includes(reference)) {
      res.writeHead(404, { "Content-Type": "application/json" });
      return void res.end();
    }
    res.writeHead(200, {
      "Content-Type": "application/vnd.oci.image.index.v1+json",
      "Docker-Content-Digest": `sha256:${"c".repeat(64)}`,
      "Content-Length": "1024",
    });
    res.end();
  }

  /** The token service of a registry: an anonymous token carrying the scope asked for. */
  private registryToken(res: http.ServerResponse, url: URL): void {
    const scope = url.searchParams.get("scope") ?? "";
    json(res, 200, { token: `anonymous:${scope}`, expires_in: 300, issued_at: new Date().toISOString() });
  }
}

/** A state in which every check of `env` passes: all permissions held, no policy, room in every quota, a versioned
 * state bucket, and every image of the services stack in its registry (behind a token challenge, as on Docker Hub). */
export function passingState(env: EnvironmentConfig, permissions: readonly string[], stateBucket?: string): FakeState {
  const registries: Record<string, FakeRegistry> = {};
  for (const { image } of serviceImages(env)) {
    const ref = parseImageRef(image);
    const registry = (registries[ref.apiHost] ??= {
      repositories: {},
      tokenChallenge: !isGoogleRegistry(ref.registry),
      googleToken: isGoogleRegistry(ref.registry),
    });
    (registry.repositories[ref.name] ??= []).push(ref.reference);
  }
  return {
    project: env.project,
    held: new Set(permissions),
    policies: {},
    regions: {
      [env.region]: [
        { metric: "CPUS", limit: 1000, usage: 0 },
        { metric: "IN_USE_ADDRESSES", limit: 8, usage: 0 },
        { metric: "STATIC_ADDRESSES", limit: 8, usage: 0 },
      ],
    },
    buckets: stateBucket ? { [stateBucket]: { versioning: true } } : {},
    registries,
    parent: "organizations/123456789",
  };
}
