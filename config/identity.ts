// Who the platform acts as and who may use it: the Metaflow service account, flow runners, impersonators, roles.
import { z } from "zod";
import { DEFAULTS } from "../lib/defaults";

/** IAM service account ids (the part before `@`). */
export const serviceAccountId = z
  .string()
  .min(6, "service account ids must be 6-30 characters long")
  .max(30, "service account ids must be 6-30 characters long")
  .regex(
    /^[a-z]([-a-z0-9]*[a-z0-9])$/,
    "service account ids may contain only lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen",
  );

const email = z.email();
const hostname = z.hostname();

/**
 * One IAM principal (https://cloud.google.com/iam/docs/principal-identifiers): `user:`, `group:` and
 * `serviceAccount:` take an email address, `domain:` a domain name, `principal:`/`principalSet:` a workforce or
 * workload identity pool identifier. Public principals are refused.
 */
export const iamMember = z.string().superRefine((member, ctx) => {
  const fail = (message: string) => ctx.addIssue({ code: "custom", message });
  if (/allUsers|allAuthenticatedUsers/.test(member)) {
    return fail(
      "must be an IAM member of one user, group, service account or domain: allUsers and allAuthenticatedUsers must not be granted access to Metaflow",
    );
  }
  if (/[\s,;]/.test(member)) return fail("must be one IAM member per string: no spaces, commas or semicolons");
  const [, kind, value] = /^(user|group|serviceAccount|domain|principal|principalSet):(.*)$/.exec(member) ?? [];
  if (kind === undefined) return fail(untypedMemberRule(member));
  if (["user", "group", "serviceAccount"].includes(kind) && !email.safeParse(value).success) {
    return fail(`"${kind}:" must be followed by an email address, such as ${kind}:name@example.com`);
  }
  if (kind === "serviceAccount" && !value.endsWith(".gserviceaccount.com")) {
    return fail("service account emails end with .gserviceaccount.com");
  }
  if (kind === "domain" && !(hostname.safeParse(value).success && value.includes("."))) {
    return fail('"domain:" must be followed by a domain name such as domain:example.com');
  }
  if (kind.startsWith("principal") && !value.startsWith("//iam.googleapis.com/")) {
    return fail(`"${kind}:" must be followed by an identifier starting with //iam.googleapis.com/`);
  }
});

const MEMBER_TYPES = ["user", "group", "serviceAccount", "domain", "principal", "principalSet"];

/** The one rule a member without a valid type breaks: the type in the wrong case, or missing before an email. */
function untypedMemberRule(member: string): string {
  const [, written, rest] = /^([A-Za-z]+):(.*)$/.exec(member) ?? [];
  const type = MEMBER_TYPES.find((t) => t.toLowerCase() === written?.toLowerCase());
  if (type !== undefined) return `member types are case-sensitive: did you mean "${type}:${rest}"?`;
  if (email.safeParse(member).success) {
    return member.endsWith(".gserviceaccount.com")
      ? `needs its type before the email: did you mean "serviceAccount:${member}"?`
      : `needs its type before the email: "user:${member}" for a person, "group:${member}" for a Google group`;
  }
  return "must be an IAM member such as user:alice@example.com, group:ml@example.com, serviceAccount:...@....gserviceaccount.com or domain:example.com";
}

/** A principal that may impersonate a service account: one identity or pool, never a whole domain. */
export const impersonator = iamMember.refine(
  (member) => !member.startsWith("domain:"),
  "must name users, groups, service accounts or workload identity principals: a whole domain must not act as the Metaflow service account",
);

/** Custom role ids (google_project_iam_custom_role, role_id). */
export const customRoleId = z.string().regex(/^[A-Za-z0-9_.]{3,64}$/, 'custom role ids must be 3-64 letters, digits, "_" or "."');

export const IdentitySchema = z
  .object({
    serviceAccountId: serviceAccountId.optional().meta({
      description:
        "id of the Metaflow service account: 6-30 chars; unique per project, node service accounts `<namePrefix>-<env>-nodes` included",
      "x-default": "`<namePrefix>-<env>`",
    }),
    createKey: z
      .boolean()
      .default(DEFAULTS.identity.createKey)
      .describe(
        "create a key of the Metaflow service account, a sensitive output: refused in organisations that enforce `iam.disableServiceAccountKeyCreation` (those created since May 2024), and a key never expires; prefer `identity.impersonators`",
      ),
    flowRunners: z
      .array(iamMember)
      .default([])
      .describe(
        'users, groups and service accounts who run flows (Storage Object Admin on the bucket); one IAM member per string: `user:`, `group:` or `serviceAccount:` with an email (service accounts end in `.gserviceaccount.com`), `domain:` with a domain name, `principal://iam.googleapis.com/...`; the type is case-sensitive and required (`Group:ml@acme.com` gets `did you mean "group:ml@acme.com"?`, a bare email the typed forms to choose from); never `allUsers` or `allAuthenticatedUsers`; no member twice (ignoring case)',
      ),
    impersonators: z
      .array(impersonator)
      .default([])
      .describe(
        "principals that may impersonate the Metaflow service account without a key (Token Creator on it only): CI service accounts, Workload Identity Federation principals, a few people: `user:`, `group:`, `serviceAccount:`, `principal://...`, `principalSet://...`; never `domain:`, `allUsers` or `allAuthenticatedUsers`",
      ),
    flowRunnerAccess: z
      .enum(["namespace", "project"])
      .default(DEFAULTS.identity.flowRunnerAccess)
      .describe(
        "`namespace`: Cluster Viewer plus Kubernetes RBAC in the jobs and events namespaces (members must then be `user:`, `group:` or `serviceAccount:`); `project`: Kubernetes Engine Developer on the project (reads every Secret of every cluster)",
      ),
    createAdminRole: z
      .boolean()
      .default(false)
      .describe(
        "create the custom role `metaflow_admin` with the deployer's permissions; at most one environment per project may create it",
      ),
  })
  .strict()
  .superRefine((identity, ctx) => {
    if (identity.flowRunnerAccess !== "namespace") return;
    identity.flowRunners.forEach((member, i) => {
      // Kubernetes RBAC names users, groups and service accounts by email; it has no notion of a domain or a pool.
      // A member that is no valid IAM member already has its line from iamMember.
      if (!/^(user|group|serviceAccount):/.test(member) && iamMember.safeParse(member).success) {
        const what = member.startsWith("domain:") ? "a domain" : "a Workload or Workforce Identity Federation principal";
        ctx.addIssue({
          code: "custom",
          path: ["flowRunners", i],
          message: `with identity.flowRunnerAccess "namespace", flow runners must be user:, group: or serviceAccount: members (Kubernetes RBAC cannot name ${what})`,
        });
      }
    });
  });
