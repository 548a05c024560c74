// Image references read Docker's way (github.com/distribution/reference, normalize.go, splitDockerDomain) and routed
// through the registry caches.
import { parseImageRef, pullThrough, registryFor } from "../lib/image-refs";

const caches = {
  dockerHub: "us-central1-docker.pkg.dev/p/metaflow-dev-docker-hub",
  quay: "us-central1-docker.pkg.dev/p/metaflow-dev-quay",
};
const DIGEST = `sha256:${"a".repeat(64)}`;

test.each([
  ["python:3.11", { host: "docker.io", path: "library/python", suffix: ":3.11" }],
  ["nats", { host: "docker.io", path: "library/nats", suffix: "" }],
  ["netflixoss/metaflow_metadata_service:v2.5.1", { host: "docker.io", path: "netflixoss/metaflow_metadata_service", suffix: ":v2.5.1" }],
  ["docker.io/library/nats:2.10.10", { host: "docker.io", path: "library/nats", suffix: ":2.10.10" }],
  ["docker.io/nats:2.10.10", { host: "docker.io", path: "library/nats", suffix: ":2.10.10" }],
  [
    "index.docker.io/natsio/nats-server-config-reloader:0.14.0",
    { host: "docker.io", path: "natsio/nats-server-config-reloader", suffix: ":0.14.0" },
  ],
  ["quay.io/argoproj/argo-events:v1.9.10", { host: "quay.io", path: "argoproj/argo-events", suffix: ":v1.9.10" }],
  ["quay.io/argoproj/argoexec", { host: "quay.io", path: "argoproj/argoexec", suffix: "" }],
  ["localhost/img:1.0.0", { host: "localhost", path: "img", suffix: ":1.0.0" }],
  ["registry:5000/team/img:1.0.0", { host: "registry:5000", path: "team/img", suffix: ":1.0.0" }],
  ["Team/img:1.0.0", { host: "Team", path: "img", suffix: ":1.0.0" }],
  [`nats@${DIGEST}`, { host: "docker.io", path: "library/nats", suffix: `@${DIGEST}` }],
  [`nats:2.10.10@${DIGEST}`, { host: "docker.io", path: "library/nats", suffix: `:2.10.10@${DIGEST}` }],
])("%s is read as registry, repository and tag", (ref, parsed) => {
  expect(parseImageRef(ref)).toEqual(parsed);
});

test.each([
  // Docker Hub, written any of its ways, goes through its cache, official images in their library/ namespace.
  ["nats:2.10.10", `${caches.dockerHub}/library/nats:2.10.10`],
  ["docker.io/library/nats:2.10.10", `${caches.dockerHub}/library/nats:2.10.10`],
  ["netflixoss/metaflow_metadata_service:v2.5.1", `${caches.dockerHub}/netflixoss/metaflow_metadata_service:v2.5.1`],
  [`netflixoss/metaflow_metadata_service:v2.5.1@${DIGEST}`, `${caches.dockerHub}/netflixoss/metaflow_metadata_service:v2.5.1@${DIGEST}`],
  ["quay.io/argoproj/argo-events:v1.9.10", `${caches.quay}/argoproj/argo-events:v1.9.10`],
  ["quay.io/argoproj/argo-events", `${caches.quay}/argoproj/argo-events`],
  // Any other registry is left alone, the caches themselves included.
  ["ghcr.io/org/img:1.0.0", "ghcr.io/org/img:1.0.0"],
  ["public.ecr.aws/outerbounds/metaflow_metadata_service:v2.5.1", "public.ecr.aws/outerbounds/metaflow_metadata_service:v2.5.1"],
  [`${caches.dockerHub}/library/nats:2.10.10`, `${caches.dockerHub}/library/nats:2.10.10`],
])("%s is pulled as %s", (ref, pulled) => {
  expect(pullThrough(ref, caches)).toBe(pulled);
});

test("without caches every reference is pulled as written", () => {
  for (const ref of ["nats:2.10.10", "quay.io/argoproj/argo-events:v1.9.10", "ghcr.io/org/img:1.0.0"])
    expect(pullThrough(ref, undefined)).toBe(ref);
  expect(registryFor("quay.io", undefined)).toBe("quay.io");
});

test("the registry that stands in for a host: its cache, or the host itself", () => {
  expect(registryFor("quay.io", caches)).toBe(caches.quay);
  expect(registryFor("docker.io", caches)).toBe(caches.dockerHub);
  expect(registryFor("ghcr.io", caches)).toBe("ghcr.io");
});
