import { ProjectIamCustomRole } from "@cdktf/provider-google/lib/project-iam-custom-role";
import { ProjectIamMember, ProjectIamMemberCondition } from "@cdktf/provider-google/lib/project-iam-member";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";

/** The one permission of the role that lets flow runners create secrets. */
export const SECRET_CREATE_PERMISSION = "secretmanager.secrets.create";

export interface FlowSecretsProps {
  readonly project: string;
  /** The project's number: IAM conditions see a secret as `projects/<number>/secrets/<id>`, never by project id. */
  readonly projectNumber: string;
  /** Secret id prefix of the environment's secrets, ending in `-` or `_`. */
  readonly prefix: string;
  /** Id of the custom role holding secretmanager.secrets.create alone, created with the first grantWrite. */
  readonly creatorRoleId: string;
  /** Resources (the APIs) that must exist first. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The secrets Metaflow's `@secrets` reads: those of Secret Manager whose ids start with the environment's prefix.
 * Secrets are the users' own, created with gcloud; this construct owns who may read and write them. Every grant but
 * one is narrowed by an IAM condition on the secret's name; creating a secret is checked on the project, where no
 * name condition can narrow it (docs/access.md#secrets-and-images).
 */
export class FlowSecrets extends Construct {
  /** `projects/<number>/secrets/<prefix>`: METAFLOW_GCP_SECRET_MANAGER_PREFIX, and what the conditions match. */
  readonly resourcePrefix: string;
  /** The condition every name-scoped grant carries. */
  readonly condition: ProjectIamMemberCondition;
  private readonly props: FlowSecretsProps;
  private creatorRole?: ProjectIamCustomRole;

  constructor(scope: Construct, id: string, props: FlowSecretsProps) {
    super(scope, id);
    this.props = props;
    this.resourcePrefix = `projects/${props.projectNumber}/secrets/${props.prefix}`;
    this.condition = {
      title: "metaflow-secrets-only",
      description: `Secrets whose ids start with ${props.prefix}, and their versions`,
      // Versions are named <secret>/versions/<n>, so the prefix covers them too.
      expression: `resource.name.startsWith("${this.resourcePrefix}")`,
    };
  }

  /** Lets `member` read the payloads of the environment's secrets (Secret Accessor, conditioned), nothing else. */
  grantRead(id: string, member: string): ProjectIamMember {
    return this.member(`${id}-secret-accessor`, "roles/secretmanager.secretAccessor", member, this.condition);
  }

  /**
   * Lets `member` create secrets, add versions to the environment's secrets and read them. Adding and reading are
   * conditioned on the prefix; creating is not (it is checked on the project), so a secret created outside the prefix
   * stays empty: no version can be added to it. Nothing here sets IAM policies, deletes, or destroys versions.
   */
  grantWrite(id: string, member: string): ProjectIamMember[] {
    this.creatorRole ??= new ProjectIamCustomRole(this, "creator-role", {
      project: this.props.project,
      roleId: this.props.creatorRoleId,
      title: "Metaflow secret creator",
      description: `Create Secret Manager secrets; versions only under ${this.props.prefix} (conditioned grants)`,
      permissions: [SECRET_CREATE_PERMISSION],
      stage: "GA",
      dependsOn: this.props.dependsOn,
    });
    return [
      this.member(`${id}-secret-creator`, this.creatorRole.name, member),
      this.member(`${id}-secret-version-adder`, "roles/secretmanager.secretVersionAdder", member, this.condition),
      // Flow runners reach these secrets through any pod of the jobs namespace already; this lets a local run read them.
      this.grantRead(id, member),
    ];
  }

  private member(id: string, role: string, member: string, condition?: ProjectIamMemberCondition): ProjectIamMember {
    return new ProjectIamMember(this, id, { project: this.props.project, role, member, condition, dependsOn: this.props.dependsOn });
  }
}
