import { ArtifactRegistryRepository } from "@cdktf/provider-google/lib/artifact-registry-repository";
import { ArtifactRegistryRepositoryIamMember } from "@cdktf/provider-google/lib/artifact-registry-repository-iam-member";
import { ImageCache, ImageCacheProps, QUAY_URL } from "../../constructs/image-cache";
import { pullThrough } from "../../lib/image-refs";
import { bareStack, resolve, resourcesOf, synth } from "./stack";

function build(props: Partial<ImageCacheProps> = {}) {
  const stack = bareStack("google");
  const cache = new ImageCache(stack, "cache", {
    project: "p",
    location: "europe-west1",
    dockerHubRepositoryId: "mf-dev-docker-hub",
    quayRepositoryId: "mf-dev-quay",
    ...props,
  });
  return { stack, cache };
}

describe("ImageCache", () => {
  const { stack, cache } = build();
  cache.grantRead("nodes", "serviceAccount:nodes@p.iam.gserviceaccount.com");
  const { text, json } = synth(stack);
  const repos = resourcesOf(json, "google_artifact_registry_repository");
  const addressOf = (id: string) => Object.keys(repos).find((k) => repos[k].repository_id === id)!;

  test("a Docker Hub and a quay.io remote repository, in the given project and region", () => {
    expect(text).toHaveResourceWithProperties(ArtifactRegistryRepository, {
      project: "p",
      location: "europe-west1",
      repository_id: "mf-dev-docker-hub",
      format: "DOCKER",
      mode: "REMOTE_REPOSITORY",
      remote_repository_config: expect.objectContaining({ docker_repository: { public_repository: "DOCKER_HUB" } }),
    });
    expect(text).toHaveResourceWithProperties(ArtifactRegistryRepository, {
      repository_id: "mf-dev-quay",
      mode: "REMOTE_REPOSITORY",
      remote_repository_config: expect.objectContaining({ common_repository: { uri: QUAY_URL } }),
    });
    // Anonymous upstreams: no credential, no secret to manage.
    for (const r of Object.values<any>(repos)) expect(r.remote_repository_config.upstream_credentials).toBeUndefined();
  });

  test("exposes each pull path from the repository's own attributes, so readers wait for it", () => {
    const docker = addressOf("mf-dev-docker-hub");
    expect(resolve(cache, cache.dockerHub)).toBe(
      `\${google_artifact_registry_repository.${docker}.location}-docker.pkg.dev/\${google_artifact_registry_repository.${docker}.project}/\${google_artifact_registry_repository.${docker}.repository_id}`,
    );
    expect(resolve(cache, cache.quay)).toContain(`google_artifact_registry_repository.${addressOf("mf-dev-quay")}.repository_id}`);
    // The construct is the caches the image rule takes.
    expect(resolve(cache, pullThrough("nats:2.10.10", cache))).toMatch(/-docker\.pkg\.dev\/.*\/library\/nats:2\.10\.10$/);
  });

  test("grantRead gives the member Artifact Registry Reader on each repository and nothing wider", () => {
    const grants = Object.values<any>(resourcesOf(json, "google_artifact_registry_repository_iam_member"));
    expect(grants.map((g) => g.repository).sort()).toEqual(
      Object.keys(repos)
        .map((k) => `\${google_artifact_registry_repository.${k}.repository_id}`)
        .sort(),
    );
    expect(text).toHaveResourceWithProperties(ArtifactRegistryRepositoryIamMember, {
      role: "roles/artifactregistry.reader",
      member: "serviceAccount:nodes@p.iam.gserviceaccount.com",
    });
    expect(resourcesOf(json, "google_project_iam_member")).toEqual({});
  });

  test("waits for what it is given", () => {
    const { stack, cache } = build({ dependsOn: [{ fqn: "google_project_service.ar" }] });
    const built = synth(stack).json;
    for (const r of Object.values<any>(resourcesOf(built, "google_artifact_registry_repository"))) {
      expect(r.depends_on).toEqual(["google_project_service.ar"]);
    }
    expect(cache.node.children).toHaveLength(2);
  });
});
