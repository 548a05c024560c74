import { ArtifactRegistryRepository } from "@cdktf/provider-google/lib/artifact-registry-repository";
import { ArtifactRegistryRepositoryIamMember } from "@cdktf/provider-google/lib/artifact-registry-repository-iam-member";
import { FlowImages } from "../../constructs/flow-images";
import { bareStack, PROJECT, REGION, refTo, resolve, resourcesOf, synth } from "./stack";

describe("FlowImages", () => {
  const stack = bareStack("google");
  const images = new FlowImages(stack, "images", { project: PROJECT, location: REGION, repositoryId: "mf-dev-images" });
  images.grantPull("nodes", "serviceAccount:nodes@p.iam.gserviceaccount.com");
  images.grantPush("runner", "group:ml@example.com");
  const { text, json } = synth(stack);

  test("a standard Docker repository in the given project and region", () => {
    expect(text).toHaveResourceWithProperties(ArtifactRegistryRepository, {
      project: PROJECT,
      location: REGION,
      repository_id: "mf-dev-images",
      format: "DOCKER",
      mode: "STANDARD_REPOSITORY",
    });
  });

  test("its path comes from the repository's attributes", () => {
    const ref = (attr: string) => refTo(json, "google_artifact_registry_repository", attr);
    expect(resolve(stack, images.path)).toBe(`${ref("location")}-docker.pkg.dev/${ref("project")}/${ref("repository_id")}`);
  });

  test("pushers are writers and pullers readers, of this repository only", () => {
    const repo = refTo(json, "google_artifact_registry_repository", "repository_id");
    expect(text).toHaveResourceWithProperties(ArtifactRegistryRepositoryIamMember, {
      repository: repo,
      role: "roles/artifactregistry.writer",
      member: "group:ml@example.com",
    });
    expect(text).toHaveResourceWithProperties(ArtifactRegistryRepositoryIamMember, {
      repository: repo,
      role: "roles/artifactregistry.reader",
      member: "serviceAccount:nodes@p.iam.gserviceaccount.com",
    });
    expect(Object.keys(resourcesOf(json, "google_artifact_registry_repository_iam_member"))).toHaveLength(2);
  });
});
