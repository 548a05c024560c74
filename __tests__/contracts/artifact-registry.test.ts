// Facts of Artifact Registry repositories (the remote ones that cache registries, the standard one of the flows' images), as hashicorp/terraform-provider-google v6.50.0 (the provider that
// @cdktf/provider-google 16.12.1 binds) models them and Google's documentation describes them, checked on what we
// synthesize.
import { resourcesOf, synthDev } from "../helpers";

const dev = synthDev();
const infra = dev.infraJson;
const all = Object.values<any>(resourcesOf(infra, "google_artifact_registry_repository"));
const repos = all.filter((r) => r.mode === "REMOTE_REPOSITORY");
const byId = (suffix: string) => repos.find((r) => r.repository_id.endsWith(suffix));
const UPSTREAM_BLOCKS = [
  "apt_repository",
  "docker_repository",
  "maven_repository",
  "npm_repository",
  "python_repository",
  "yum_repository",
  "common_repository",
];

// v6.50.0, google/services/artifactregistry/resource_artifact_registry_repository.go: remote_repository_config takes
// exactly one of the upstream blocks (ExactlyOneOf); docker_repository.public_repository is an enum whose one value is
// DOCKER_HUB; a registry that is no preset is named by common_repository.uri ("URI to the registry, e.g.
// https://registry-1.docker.io"), docker_repository.custom_repository being "[Deprecated, please use commonRepository
// instead]"; mode REMOTE_REPOSITORY; every block of remote_repository_config forces a new repository when it changes.
test("each cache names its upstream the way the provider takes it: Docker Hub by its preset, quay.io by URL", () => {
  for (const r of repos) {
    expect(r.mode).toBe("REMOTE_REPOSITORY");
    expect(r.format).toBe("DOCKER");
    expect(UPSTREAM_BLOCKS.filter((b) => b in r.remote_repository_config)).toHaveLength(1);
  }
  expect(byId("-docker-hub").remote_repository_config.docker_repository).toEqual({ public_repository: "DOCKER_HUB" });
  expect(byId("-quay").remote_repository_config.common_repository).toEqual({ uri: "https://quay.io" });
  expect(JSON.stringify(repos)).not.toContain("custom_repository");
});

// Google Cloud, "Remote repository overview" (cloud.google.com/artifact-registry/docs/repositories/remote-overview):
// upstream authentication is optional basic authentication; "Authenticate remote repositories for Docker Hub upstream
// sources" (.../docs/docker/configure-remote-auth-docker-hub): pulling public images needs none, and authenticating
// only raises Docker Hub's download rate limit. Both caches pull anonymously: no secret to create or rotate.
test("the caches pull their public upstreams anonymously", () => {
  for (const r of repos) expect(r.remote_repository_config.upstream_credentials).toBeUndefined();
  expect(resourcesOf(infra, "google_secret_manager_secret")).toEqual({});
});

// Google Cloud, "Repository and image names" (cloud.google.com/artifact-registry/docs/docker/names): a Docker
// repository is LOCATION-docker.pkg.dev/PROJECT-ID/REPOSITORY and its images LOCATION-docker.pkg.dev/PROJECT-ID/
// REPOSITORY/IMAGE[:TAG|@DIGEST]; a remote repository serves an upstream image under its upstream path.
test("the published pull paths are <location>-docker.pkg.dev/<project>/<repository>, in the cluster's region", () => {
  for (const [output, suffix] of [
    ["image_cache_docker_hub", "-docker-hub"],
    ["image_cache_quay", "-quay"],
  ]) {
    const r = byId(suffix);
    const address = Object.entries(resourcesOf(infra, "google_artifact_registry_repository")).find(([, v]) => v === r)![0];
    const ref = (attr: string) => `\${google_artifact_registry_repository.${address}.${attr}}`;
    expect(infra.output[output].value).toBe(`${ref("location")}-docker.pkg.dev/${ref("project")}/${ref("repository_id")}`);
    expect(r.location).toBe(infra.output.region.value);
  }
});

// v6.50.0, website/docs/r/artifact_registry_repository_iam.html.markdown: google_artifact_registry_repository_iam_member
// finds the repository by `repository` (its id) with `location` and `project`; roles/artifactregistry.reader lets a
// principal download artifacts of that repository only (cloud.google.com/iam/docs/roles-permissions/artifactregistry).
test("the nodes' reader grants name each repository by id, location and project", () => {
  for (const g of Object.values<any>(resourcesOf(infra, "google_artifact_registry_repository_iam_member"))) {
    const [, address] = /^\$\{google_artifact_registry_repository\.([^.]+)\.repository_id\}$/.exec(g.repository)!;
    expect(g.location).toBe(`\${google_artifact_registry_repository.${address}.location}`);
    expect(g.project).toBe(`\${google_artifact_registry_repository.${address}.project}`);
    expect(g.role).toBe("roles/artifactregistry.reader");
  }
});

// v6.50.0, website/docs/r/artifact_registry_repository.html.markdown: `mode` is STANDARD_REPOSITORY, VIRTUAL_REPOSITORY
// or REMOTE_REPOSITORY (default STANDARD_REPOSITORY); only a standard repository stores what is pushed to it, and it
// takes no remote_repository_config or virtual_repository_config.
test("the flows' images go to a standard Docker repository of the environment's region, the one whose path is published", () => {
  const standard = all.filter((r) => r.mode === "STANDARD_REPOSITORY");
  expect(standard.map((r) => [r.repository_id, r.format, r.location])).toEqual([
    ["metaflow-dev-images", "DOCKER", infra.output.region.value],
  ]);
  expect(standard[0].remote_repository_config).toBeUndefined();
  expect(standard[0].virtual_repository_config).toBeUndefined();
  expect(infra.output.flow_image_repository.value).toMatch(
    /^\$\{google_artifact_registry_repository\.flow-images_repository_\w+\.location\}-docker\.pkg\.dev\/\$\{google_artifact_registry_repository\.flow-images_repository_\w+\.project\}\/\$\{google_artifact_registry_repository\.flow-images_repository_\w+\.repository_id\}$/,
  );
});

// Google Cloud, "Artifact Registry roles and permissions" (cloud.google.com/iam/docs/roles-permissions/artifactregistry):
// roles/artifactregistry.writer reads and writes repository items (push: artifactregistry.repositories.uploadArtifacts),
// roles/artifactregistry.reader only reads them. "Configure authentication to Artifact Registry for Docker"
// (cloud.google.com/artifact-registry/docs/docker/authentication): `gcloud auth configure-docker LOCATION-docker.pkg.dev`
// makes Docker use gcloud's credentials for that host. Flow runners push to the flows' repository alone; the nodes,
// which pull with their own service account, read it; nobody writes to a cache.
test("flow runners may push to the flows' repository only, the nodes pull from it, and END_USER_SETUP logs Docker in to its host", () => {
  const runners = synthDev((e) => (e.identity = { flowRunners: ["group:ml@example.com"] }));
  const grants = Object.entries<any>(resourcesOf(runners.infraJson, "google_artifact_registry_repository_iam_member"));
  const writers = grants.filter(([, g]) => g.role === "roles/artifactregistry.writer");
  expect(writers.map(([, g]) => [g.member, g.repository])).toEqual([
    [
      "group:ml@example.com",
      expect.stringMatching(/^\$\{google_artifact_registry_repository\.flow-images_repository_\w+\.repository_id\}$/),
    ],
  ]);
  const flowReaders = grants.filter(([name, g]) => name.startsWith("flow-images_") && g.role === "roles/artifactregistry.reader");
  expect(flowReaders.map(([, g]) => g.member)).toEqual([
    expect.stringMatching(/^\$\{google_service_account\.gke_node-service-account_\w+\.member\}$/),
  ]);
  const text: string = runners.servicesJson.output.END_USER_SETUP.value;
  const path = "${data.terraform_remote_state.infra.outputs.flow_image_repository}";
  expect(text).toContain("gcloud auth configure-docker ${data.terraform_remote_state.infra.outputs.region}-docker.pkg.dev");
  expect(text).toContain(`docker build -t ${path}/my-image:1.0 . && docker push ${path}/my-image:1.0`);
  expect(text).toContain(`@kubernetes(image="${path}/my-image:1.0")`);
});
