import { IamWorkloadIdentityPool } from "@cdktf/provider-google/lib/iam-workload-identity-pool";
import { IamWorkloadIdentityPoolProvider } from "@cdktf/provider-google/lib/iam-workload-identity-pool-provider";
import { ProjectIamCustomRole } from "@cdktf/provider-google/lib/project-iam-custom-role";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ServiceAccountIamMember } from "@cdktf/provider-google/lib/service-account-iam-member";
import { StorageBucketIamMember } from "@cdktf/provider-google/lib/storage-bucket-iam-member";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { METAFLOW_ADMIN_PERMISSIONS } from "./admin-permissions";

/** GitHub Actions' OIDC token issuer, one for every repository (docs.github.com, "About security hardening with OpenID Connect"). */
export const GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com";

export interface CiIdentityProps {
  readonly project: string;
  /** Workload Identity pool id. */
  readonly poolId: string;
  /** The repository whose workflows may sign in, as "owner/name". */
  readonly repository: string;
  /** The GitHub environment of the deploy jobs (the approval gate). */
  readonly deployEnvironment: string;
  /** The only ref deploy jobs may run from, e.g. "refs/heads/main". */
  readonly deployRef: string;
  /** Account id of the deployer service account. */
  readonly deployerAccountId: string;
  /** Full name of the deployer role, e.g. "projects/p/roles/metaflow_admin". */
  readonly deployerRole: string;
  /** Account id of the planner service account (pull requests: read-only). */
  readonly plannerAccountId: string;
  /** Id of the planner's read-only custom role. */
  readonly plannerRoleId: string;
  /** The Terraform state bucket: the deployer writes state, the planner reads it. */
  readonly stateBucket: string;
  /** Resources (API enablement, the deployer role) that must exist first. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** Verbs that read and change nothing: what `cdktf diff` needs to refresh state. */
const READ_VERBS = new Set([
  "get",
  "list",
  "getIamPolicy",
  "getStatus",
  "getScale",
  "listEffectiveTags",
  "listTagBindings",
  "listServerCas",
]);

/** What `npm run preflight` reads beyond the deployer role: effective org policies and the region's quotas. */
export const PREFLIGHT_READS = ["compute.regions.get", "orgpolicy.policy.get"];

/**
 * The deployer role's read-only part, for pull requests' `cdktf diff`: every get and list, and connecting to the
 * cluster's DNS endpoint so the kubernetes and helm providers can refresh; plus the preflight's reads. Secrets are
 * read too (Helm keeps its releases in them); state, which the planner reads anyway, holds the same passwords.
 */
export const PLANNER_PERMISSIONS: string[] = [
  ...METAFLOW_ADMIN_PERMISSIONS.filter((p) => READ_VERBS.has(p.split(".").pop()!) || p === "container.clusters.connect"),
  ...PREFLIGHT_READS,
];

/**
 * Keyless CI from GitHub Actions: a Workload Identity pool and OIDC provider that accept only the repository's
 * tokens, a deployer service account holding the deployer role that only the gated deploy environment's jobs on the
 * deploy ref can act as, and a read-only planner service account for pull requests.
 */
export class CiIdentity extends Construct {
  /** `projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/github`: the workflow's `workload_identity_provider`. */
  readonly providerName: string;
  readonly deployerEmail: string;
  readonly plannerEmail: string;

  constructor(scope: Construct, id: string, props: CiIdentityProps) {
    super(scope, id);
    const { project, repository } = props;
    const deploySubject = `repo:${repository}:environment:${props.deployEnvironment}`;

    const pool = new IamWorkloadIdentityPool(this, "pool", {
      project,
      workloadIdentityPoolId: props.poolId,
      displayName: "GitHub Actions",
      description: `GitHub Actions workflows of ${repository}`,
      dependsOn: props.dependsOn,
    });
    const provider = new IamWorkloadIdentityPoolProvider(this, "github", {
      project,
      workloadIdentityPoolId: pool.workloadIdentityPoolId,
      workloadIdentityPoolProviderId: "github",
      displayName: "GitHub",
      attributeMapping: {
        "google.subject": "assertion.sub",
        "attribute.repository": "assertion.repository",
        "attribute.ref": "assertion.ref",
      },
      // GitHub signs every repository's tokens with one issuer: without this, any repository on GitHub could sign in.
      // A token of the deploy environment is further refused unless it comes from the deploy ref.
      attributeCondition:
        `assertion.repository == "${repository}" && ` + `(assertion.sub != "${deploySubject}" || assertion.ref == "${props.deployRef}")`,
      oidc: { issuerUri: GITHUB_OIDC_ISSUER },
    });
    this.providerName = provider.name;

    const deployer = new ServiceAccount(this, "deployer", {
      project,
      accountId: props.deployerAccountId,
      displayName: "Metaflow CI deployer",
      description: `Deploys from ${repository}, GitHub environment ${props.deployEnvironment}`,
      dependsOn: props.dependsOn,
    });
    const planner = new ServiceAccount(this, "planner", {
      project,
      accountId: props.plannerAccountId,
      displayName: "Metaflow CI planner",
      description: `Plans (read-only) for pull requests of ${repository}`,
      dependsOn: props.dependsOn,
    });
    this.deployerEmail = deployer.email;
    this.plannerEmail = planner.email;

    const plannerRole = new ProjectIamCustomRole(this, "planner-role", {
      project,
      roleId: props.plannerRoleId,
      title: "Metaflow CI planner",
      description: "Read-only part of the deployer role: refresh and plan the Metaflow stacks",
      permissions: PLANNER_PERMISSIONS,
      stage: "GA",
    });
    new ProjectIamMember(this, "deployer-role", { project, role: props.deployerRole, member: deployer.member });
    // The deployer runs the preflight, whose reads the planner role holds.
    new ProjectIamMember(this, "deployer-planner-role", { project, role: plannerRole.name, member: deployer.member });
    new ProjectIamMember(this, "planner-role-member", { project, role: plannerRole.name, member: planner.member });
    // The state bucket may live in another project, out of the project roles' reach. The deployer reads and writes
    // state and its lock (Object User) and reads the bucket and its policy, where these grants live (Legacy Bucket
    // Owner: no bucket delete); the planner only reads state (its plans run without the lock).
    const stateGrants: [string, string, string][] = [
      ["deployer-state", "roles/storage.objectUser", deployer.member],
      ["deployer-state-bucket", "roles/storage.legacyBucketOwner", deployer.member],
      ["planner-state", "roles/storage.objectViewer", planner.member],
    ];
    for (const [grantId, role, member] of stateGrants) {
      new StorageBucketIamMember(this, grantId, { bucket: props.stateBucket, role, member });
    }

    // Exactly one subject may act as the deployer: the deploy environment's jobs (whose ref the condition pins).
    new ServiceAccountIamMember(this, "deployer-wif", {
      serviceAccountId: deployer.name,
      role: "roles/iam.workloadIdentityUser",
      member: `principal://iam.googleapis.com/${pool.name}/subject/${deploySubject}`,
    });
    // Any workflow run of the repository may plan: the pool's principal set of that repository attribute.
    new ServiceAccountIamMember(this, "planner-wif", {
      serviceAccountId: planner.name,
      role: "roles/iam.workloadIdentityUser",
      member: `principalSet://iam.googleapis.com/${pool.name}/attribute.repository/${repository}`,
    });
  }
}
