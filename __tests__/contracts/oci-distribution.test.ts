// Container registries as the preflight asks them whether an image exists, against the local fake
// (../preflight/fake-apis.ts), which answers as these sources say.
import { headManifest, MANIFEST_ACCEPT, parseImageRef } from "../../preflight/registry";
import { endpoints } from "../../preflight/endpoints";
import { FakeApis, FakeState } from "../preflight/fake-apis";

const state = (): FakeState => ({
  project: "p",
  held: new Set(),
  policies: {},
  regions: {},
  buckets: {},
  registries: { "registry-1.docker.io": { repositories: { "library/nats": ["2.10.10"] }, tokenChallenge: true } },
});

let fake: FakeApis;
beforeAll(async () => (fake = await new FakeApis(state()).start()));
afterAll(() => fake.close());

const head = (image: string) => headManifest(parseImageRef(image), endpoints(fake.baseUrl), { timeoutMs: 5000 });

// distribution/reference v0.6.0, normalize.go (splitDockerDomain): a first component with "." or ":", "localhost",
// or an upper-case letter is a domain; anything else is on Docker Hub, "docker.io" (index.docker.io is its legacy
// name), where a one-component name is an official image under "library/". The same file notes that Docker Hub's
// registry is registry-1.docker.io, the host its API is reached at.
test("references are split as Docker splits them, Docker Hub's API host being registry-1.docker.io", () => {
  expect(parseImageRef("nats:2.10.10")).toEqual({
    registry: "docker.io",
    apiHost: "registry-1.docker.io",
    name: "library/nats",
    reference: "2.10.10",
  });
  expect(parseImageRef("natsio/prometheus-nats-exporter:0.14.0")).toMatchObject({
    apiHost: "registry-1.docker.io",
    name: "natsio/prometheus-nats-exporter",
  });
  expect(parseImageRef("index.docker.io/nats:2.10.10")).toMatchObject({ registry: "docker.io", name: "library/nats" });
  expect(parseImageRef("quay.io/argoproj/argocli:v3.7.11")).toMatchObject({
    registry: "quay.io",
    apiHost: "quay.io",
    name: "argoproj/argocli",
  });
  expect(parseImageRef("localhost/metaflow:1.0.0")).toMatchObject({ registry: "localhost", name: "metaflow" });
  expect(parseImageRef("registry.example.com:5000/team/app:1.0.0")).toMatchObject({
    registry: "registry.example.com:5000",
    name: "team/app",
    reference: "1.0.0",
  });
  // With a tag and a digest, the digest is what is pulled.
  const digest = `sha256:${"a".repeat(64)}`;
  expect(parseImageRef(`public.ecr.aws/outerbounds/metaflow_ui:v1.3.13@${digest}`)).toMatchObject({
    name: "outerbounds/metaflow_ui",
    reference: digest,
  });
});

// opencontainers/distribution-spec v1.1.1, spec.md, "Checking if content exists in the registry": HEAD
// /v2/<name>/manifests/<reference>, where <reference> is a tag or a digest; 200 OK when the manifest exists, 404 Not
// Found when it does not. "Pulling manifests": the client SHOULD send an Accept header with the manifest types it
// supports. The types: the OCI image index and manifest (application/vnd.oci.image.index.v1+json,
// application/vnd.oci.image.manifest.v1+json, used by that spec.md) and Docker's manifest list and schema-2 manifest
// (distribution/distribution v3.1.1, docs/content/spec/manifest-v2-2.md), so a multi-architecture tag resolves.
test("HEAD /v2/<name>/manifests/<reference> with the OCI and Docker manifest types; 200 exists, 404 does not", async () => {
  expect(MANIFEST_ACCEPT.split(", ")).toEqual([
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.docker.distribution.manifest.v2+json",
  ]);
  fake.requests.length = 0;
  expect(await head("nats:2.10.10")).toMatchObject({ found: true });
  const heads = fake.requests.filter((r) => r.method === "HEAD");
  expect(heads.map((r) => r.path)).toEqual([
    "/registry/registry-1.docker.io/v2/library/nats/manifests/2.10.10",
    "/registry/registry-1.docker.io/v2/library/nats/manifests/2.10.10",
  ]);
  expect(heads.every((r) => r.headers.accept === MANIFEST_ACCEPT)).toBe(true);
  expect(await head("nats:2.10.9")).toMatchObject({ found: false, status: 404 });
});

// distribution/distribution v3.1.1, docs/content/spec/auth/token.md: a registry that wants authorization answers
// 401 Unauthorized with `WWW-Authenticate: Bearer realm="...",service="...",scope="..."` (RFC 6750 section 3); the
// client GETs the realm with the service and scope as query parameters (anonymously for a public repository),
// reads `token` (or `access_token`, its OAuth 2.0 name) from the JSON answer, and retries with
// `Authorization: Bearer <token>`.
test("the bearer challenge: 401, an anonymous GET of the realm with service and scope, then the retry with the token", async () => {
  fake.requests.length = 0;
  await head("nats:2.10.10");
  const [first, token, retry] = fake.requests;
  expect(first).toMatchObject({ method: "HEAD" });
  expect(first.headers.authorization).toBeUndefined();
  expect(token.method).toBe("GET");
  const url = new URL(token.path, fake.baseUrl);
  expect(url.pathname).toBe("/registry-auth/registry-1.docker.io/token");
  expect(Object.fromEntries(url.searchParams)).toEqual({ service: "registry-1.docker.io", scope: "repository:library/nats:pull" });
  expect(token.headers.authorization).toBeUndefined();
  expect(retry).toMatchObject({
    method: "HEAD",
    headers: expect.objectContaining({ authorization: "Bearer anonymous:repository:library/nats:pull" }),
  });
});
