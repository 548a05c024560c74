// Container image references as Docker reads them, and the one rule that routes them through the registry caches.
// Pure functions: no cdktf, no config.

/** Pull paths of the Artifact Registry remote repositories that cache the public registries, e.g. us-central1-docker.pkg.dev/p/r. */
export interface RegistryCaches {
  /** The cache of Docker Hub (docker.io). */
  readonly dockerHub: string;
  /** The cache of quay.io. */
  readonly quay: string;
}

/** Maps an upstream image reference to the one the nodes pull. */
export type ImagePull = (ref: string) => string;

/** An image reference split the way Docker reads it. */
export interface ImageRef {
  /** Registry host, `docker.io` when the reference names none. */
  readonly host: string;
  /** Repository path in that registry; Docker Hub's official images carry their `library/` namespace. */
  readonly path: string;
  /** What follows the repository: `:tag`, `@sha256:...`, both, or nothing. */
  readonly suffix: string;
}

const DOCKER_HUB = "docker.io";

/**
 * Docker's reading of a reference (github.com/distribution/reference, normalize.go, splitDockerDomain): the first
 * component is a registry host only if it holds "." or ":", is "localhost", or has upper-case letters; otherwise, and
 * for the legacy index.docker.io, the registry is docker.io, where a one-component name lives under `library/`.
 */
export function parseImageRef(ref: string): ImageRef {
  const at = ref.indexOf("@");
  const named = at >= 0 ? ref.slice(0, at) : ref;
  const digest = at >= 0 ? ref.slice(at) : "";
  const colon = named.lastIndexOf(":");
  const tagged = colon > named.lastIndexOf("/");
  const name = tagged ? named.slice(0, colon) : named;
  const suffix = (tagged ? named.slice(colon) : "") + digest;
  const slash = name.indexOf("/");
  const first = slash >= 0 ? name.slice(0, slash) : "";
  const isHost = slash >= 0 && (/[.:]/.test(first) || first === "localhost" || first !== first.toLowerCase());
  let host = isHost ? first : DOCKER_HUB;
  const rest = isHost ? name.slice(slash + 1) : name;
  if (host === "index.docker.io") host = DOCKER_HUB;
  const path = host === DOCKER_HUB && !rest.includes("/") ? `library/${rest}` : rest;
  return { host, path, suffix };
}

/** The registry path that stands in for `host`: its cache when there is one, else the host itself. */
export function registryFor(host: string, caches: RegistryCaches | undefined): string {
  if (!caches) return host;
  if (host === DOCKER_HUB || host === "index.docker.io") return caches.dockerHub;
  if (host === "quay.io") return caches.quay;
  return host;
}

/**
 * The reference the nodes pull `ref` by: an image of Docker Hub or quay.io through its cache (`nats:2.10.10` ->
 * `<Docker Hub cache>/library/nats:2.10.10`), any other one, and every one without caches, unchanged.
 */
export function pullThrough(ref: string, caches: RegistryCaches | undefined): string {
  const { host, path, suffix } = parseImageRef(ref);
  const registry = registryFor(host, caches);
  return registry === host ? ref : `${registry}/${path}${suffix}`;
}
