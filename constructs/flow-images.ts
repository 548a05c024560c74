import { ArtifactRegistryRepository } from "@cdktf/provider-google/lib/artifact-registry-repository";
import { ArtifactRegistryRepositoryIamMember } from "@cdktf/provider-google/lib/artifact-registry-repository-iam-member";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";

export interface FlowImagesProps {
  readonly project: string;
  /** Region of the repository: the nodes' region, so pulls stay inside it. */
  readonly location: string;
  /** Repository id. */
  readonly repositoryId: string;
  /** Resources (the Artifact Registry API) that must exist first. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A standard Docker repository of Artifact Registry for the images of the flows' steps (`@kubernetes(image=...)`).
 * Idle, it costs the storage of what it holds.
 */
export class FlowImages extends Construct {
  /** Push and pull path, `<region>-docker.pkg.dev/<project>/<repository>`. */
  readonly path: string;
  readonly repository: ArtifactRegistryRepository;

  constructor(scope: Construct, id: string, props: FlowImagesProps) {
    super(scope, id);
    this.repository = new ArtifactRegistryRepository(this, "repository", {
      project: props.project,
      location: props.location,
      repositoryId: props.repositoryId,
      description: "Images of the Metaflow flows' steps",
      format: "DOCKER",
      mode: "STANDARD_REPOSITORY",
      dependsOn: props.dependsOn,
    });
    const repo = this.repository;
    this.path = `${repo.location}-docker.pkg.dev/${repo.project}/${repo.repositoryId}`;
  }

  /** Lets `member` push and pull (Artifact Registry Writer on this repository only). */
  grantPush(id: string, member: string): ArtifactRegistryRepositoryIamMember {
    return this.member(`${id}-writer`, "roles/artifactregistry.writer", member);
  }

  /** Lets `member` pull (Artifact Registry Reader on this repository only). */
  grantPull(id: string, member: string): ArtifactRegistryRepositoryIamMember {
    return this.member(`${id}-reader`, "roles/artifactregistry.reader", member);
  }

  private member(id: string, role: string, member: string): ArtifactRegistryRepositoryIamMember {
    const repo = this.repository;
    return new ArtifactRegistryRepositoryIamMember(this, id, {
      project: repo.project,
      location: repo.location,
      repository: repo.repositoryId,
      role,
      member,
    });
  }
}
