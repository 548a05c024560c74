// Does an image reference resolve in its registry? The OCI distribution spec's existence check: HEAD
// /v2/<name>/manifests/<reference> answers 200 when the manifest is there and 404 when it is not. Registries that
// want a token first (Docker Hub, quay.io, public.ecr.aws) answer 401 with `WWW-Authenticate: Bearer
// realm=...,service=...,scope=...`; an anonymous GET of the realm with that service and scope returns the token.
// Google's own registries take the caller's Google access token instead.
import { Endpoints } from "./endpoints";
import { request } from "./http";

/** Manifest media types accepted: OCI image index and manifest, Docker manifest list and manifest (schema 2). */
export const MANIFEST_ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

export interface ImageRef {
  /** Registry as written, e.g. "docker.io", "quay.io". */
  readonly registry: string;
  /** Host of the registry's API: Docker Hub's is registry-1.docker.io. */
  readonly apiHost: string;
  /** Repository name in the registry, e.g. "library/nats". */
  readonly name: string;
  /** Tag or digest. */
  readonly reference: string;
}

/** Splits `[registry/]repository[:tag][@digest]` the way Docker does: a first component with "." or ":", or
 * "localhost", or an upper-case letter is a registry; otherwise Docker Hub, where a one-component name is an
 * official `library/` image. */
export function parseImageRef(image: string): ImageRef {
  const at = image.indexOf("@");
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const withTag = at >= 0 ? image.slice(0, at) : image;
  const slash = withTag.lastIndexOf("/");
  const colon = withTag.lastIndexOf(":");
  const tag = colon > slash ? withTag.slice(colon + 1) : undefined;
  const path = colon > slash ? withTag.slice(0, colon) : withTag;
  const parts = path.split("/");
  const first = parts[0];
  const hasRegistry = parts.length > 1 && (/[.:]/.test(first) || first === "localhost" || first.toLowerCase() !== first);
  const registry = !hasRegistry || first === "index.docker.io" ? "docker.io" : first;
  let name = (hasRegistry ? parts.slice(1) : parts).join("/");
  if (registry === "docker.io" && !name.includes("/")) name = `library/${name}`;
  const apiHost = registry === "docker.io" ? "registry-1.docker.io" : registry;
  return { registry, apiHost, name, reference: digest ?? tag ?? "latest" };
}

/** Google's registries, which take a Google access token (never sent anywhere else). */
export function isGoogleRegistry(host: string): boolean {
  return host === "gcr.io" || host.endsWith(".gcr.io") || host.endsWith("-docker.pkg.dev");
}

/** The parameters of a `Bearer` challenge (RFC 6750 section 3), or undefined for another scheme. */
export function bearerChallenge(header: string | null): Record<string, string> | undefined {
  if (!header || !/^Bearer\s/i.test(header)) return undefined;
  const params: Record<string, string> = {};
  for (const [, key, value] of header.matchAll(/([a-zA-Z_]+)="([^"]*)"/g)) params[key.toLowerCase()] = value;
  return params;
}

export type ManifestAnswer =
  { readonly found: true; readonly digest?: string } | { readonly found: false; readonly why: string; readonly status?: number };

/** HEADs the manifest, answering a bearer challenge once with an anonymous token (or `googleToken` for Google's). */
export async function headManifest(
  ref: ImageRef,
  endpoints: Endpoints,
  options: { timeoutMs: number; googleToken?: (url: string) => Promise<string | undefined> },
): Promise<ManifestAnswer> {
  const url = `${endpoints.registry(ref.apiHost)}/v2/${ref.name}/manifests/${ref.reference}`;
  const head = (authorization?: string) =>
    request("HEAD", url, {
      headers: { Accept: MANIFEST_ACCEPT, ...(authorization ? { Authorization: authorization } : {}) },
      timeoutMs: options.timeoutMs,
    });
  let authorization: string | undefined;
  if (isGoogleRegistry(ref.registry) && options.googleToken) {
    const token = await options.googleToken(url);
    if (token) authorization = `Bearer ${token}`;
  }
  let response = await head(authorization);
  const challenge = response.status === 401 && !authorization ? bearerChallenge(response.headers.get("www-authenticate")) : undefined;
  if (challenge?.realm) {
    const tokenUrl = new URL(challenge.realm);
    if (challenge.service) tokenUrl.searchParams.set("service", challenge.service);
    tokenUrl.searchParams.set("scope", challenge.scope ?? `repository:${ref.name}:pull`);
    const tokenResponse = await request("GET", tokenUrl.toString(), { timeoutMs: options.timeoutMs });
    const body = tokenResponse.json as { token?: unknown; access_token?: unknown } | undefined;
    const token = typeof body?.token === "string" ? body.token : typeof body?.access_token === "string" ? body.access_token : undefined;
    if (tokenResponse.status !== 200 || !token) {
      return {
        found: false,
        status: tokenResponse.status,
        why: `the registry's token service (${tokenUrl.origin}) gave no anonymous token (HTTP ${tokenResponse.status})`,
      };
    }
    response = await head(`Bearer ${token}`);
  }
  if (response.status === 200) return { found: true, digest: response.headers.get("docker-content-digest") ?? undefined };
  if (response.status === 404) return { found: false, status: 404, why: `no manifest ${ref.reference} in ${ref.registry}/${ref.name}` };
  if (response.status === 401 || response.status === 403) {
    return {
      found: false,
      status: response.status,
      why: `${ref.registry} refused the pull (HTTP ${response.status}): the repository does not exist, or it is not public`,
    };
  }
  return { found: false, status: response.status, why: `${ref.registry} answered HTTP ${response.status}` };
}
