import {
  ArtifactRegistryRepository,
  ArtifactRegistryRepositoryRemoteRepositoryConfig,
} from "@cdktf/provider-google/lib/artifact-registry-repository";
import { ArtifactRegistryRepositoryIamMember } from "@cdktf/provider-google/lib/artifact-registry-repository-iam-member";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { RegistryCaches } from "../lib/image-refs";

/** The registry quay.io serves images from (its Docker Registry HTTP API v2). */
export const QUAY_URL = "https://quay.io";

export interface ImageCacheProps {
  readonly project: string;
  /** Region of the repositories: the nodes' region, so pulls stay inside it. */
  readonly location: string;
  /** Repository id of the Docker Hub cache. */
  readonly dockerHubRepositoryId: string;
  /** Repository id of the quay.io cache. */
  readonly quayRepositoryId: string;
  /** Resources (the Artifact Registry API) that must exist first. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Artifact Registry remote repositories that cache Docker Hub and quay.io. A node pulls an image through its cache;
 * the first pull of a version fetches it upstream from Google's own addresses, later ones are served from the cache, so
 * the nodes' pulls no longer count against the registries' limits on the Cloud NAT addresses. Idle, they cost the
 * storage of what they hold.
 */
export class ImageCache extends Construct implements RegistryCaches {
  /** Pull path of the Docker Hub cache, `<region>-docker.pkg.dev/<project>/<repository>`. */
  readonly dockerHub: string;
  /** Pull path of the quay.io cache. */
  readonly quay: string;
  readonly dockerHubRepository: ArtifactRegistryRepository;
  readonly quayRepository: ArtifactRegistryRepository;

  constructor(scope: Construct, id: string, props: ImageCacheProps) {
    super(scope, id);
    type Upstream = Pick<ArtifactRegistryRepositoryRemoteRepositoryConfig, "dockerRepository" | "commonRepository">;
    const repository = (name: string, repositoryId: string, description: string, upstream: Upstream) =>
      new ArtifactRegistryRepository(this, name, {
        project: props.project,
        location: props.location,
        repositoryId,
        description,
        format: "DOCKER",
        mode: "REMOTE_REPOSITORY",
        // No upstream credentials: both registries serve public images anonymously.
        remoteRepositoryConfig: { description, ...upstream },
        dependsOn: props.dependsOn,
      });
    this.dockerHubRepository = repository("docker-hub", props.dockerHubRepositoryId, "Docker Hub, cached for the Metaflow platform", {
      dockerRepository: { publicRepository: "DOCKER_HUB" },
    });
    // A registry of no preset is named by its URL; docker_repository.custom_repository is deprecated for this.
    this.quayRepository = repository("quay", props.quayRepositoryId, "quay.io, cached for the Metaflow platform", {
      commonRepository: { uri: QUAY_URL },
    });
    this.dockerHub = pullPath(this.dockerHubRepository);
    this.quay = pullPath(this.quayRepository);
  }

  /** Lets `member` pull from both caches (Artifact Registry Reader on each repository, nothing else). */
  grantRead(id: string, member: string): ArtifactRegistryRepositoryIamMember[] {
    return [this.dockerHubRepository, this.quayRepository].map(
      (repo) =>
        new ArtifactRegistryRepositoryIamMember(this, `${id}-${repo.node.id}`, {
          project: repo.project,
          location: repo.location,
          repository: repo.repositoryId,
          role: "roles/artifactregistry.reader",
          member,
        }),
    );
  }
}

/** `<location>-docker.pkg.dev/<project>/<repository>`, from the repository's attributes so readers wait for it. */
function pullPath(repo: ArtifactRegistryRepository): string {
  return `${repo.location}-docker.pkg.dev/${repo.project}/${repo.repositoryId}`;
}
