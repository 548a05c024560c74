// Keyless CI: the Workload Identity pool for GitHub Actions and the deployer's role.
import { z } from "zod";
import { DEFAULTS } from "../lib/defaults";

/** Workload Identity pool ids (google_iam_workload_identity_pool, workload_identity_pool_id). */
export const workloadIdentityPoolId = z
  .string()
  .regex(/^[a-z0-9-]{4,32}$/, "Workload Identity pool ids must be 4-32 lowercase letters, digits or hyphens")
  .refine((s) => !s.startsWith("gcp-"), 'Workload Identity pool ids must not start with "gcp-" (reserved by Google)');

/** A GitHub repository as GitHub's OIDC token names it in its `repository` claim: `owner/name`. */
const githubRepository = z
  .string()
  .regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, 'must be a GitHub repository as "owner/name", such as "acme/ml-platform"');

export const CiSchema = z
  .object({
    github: z
      .object({
        repository: githubRepository.meta({
          description:
            "`owner/name`: creates the keyless CI identity of docs/ci.md#run-it-from-ci (pool `<namePrefix>-<env>-ci`, service accounts `<namePrefix>-<env>-deploy` and `-plan`, role `<namePrefix>_<env>_ci_plan`); needs `stateBackend`",
          "x-default": "unset (CI off)",
        }),
        deployEnvironment: z
          .string()
          .regex(/^[A-Za-z0-9._-]{1,255}$/, "must be a GitHub environment name: letters, digits, '.', '_' or '-'")
          .optional()
          .meta({
            description:
              "the GitHub environment of the deploy jobs (give it required reviewers: it is the approval gate); only its jobs, on `deployRef`, may act as the deployer",
            "x-default": "`<env>`",
          }),
        deployRef: z
          .string()
          .regex(/^refs\/(heads|tags)\/[^\s"\\]+$/, 'must be a full Git ref such as "refs/heads/main"')
          .default(DEFAULTS.ci.deployRef)
          .describe("the only ref a deploy job may run from (a full ref)"),
      })
      .strict()
      .describe("GitHub Actions, signing in through Workload Identity Federation (no key)"),
    deployerRole: z
      .string()
      .regex(
        /^([A-Za-z0-9_.]{3,64}|(projects|organizations)\/[a-z0-9-]+\/roles\/[A-Za-z0-9_.]{3,64})$/,
        "must be a custom role id such as metaflow_admin, or a full role name projects/<project>/roles/<id>",
      )
      .default(DEFAULTS.ci.deployerRole)
      .describe(
        "the deployer service account's role: a custom role id of the project (the one `identity.createAdminRole` creates, or one made by hand) or a full name `projects/<p>/roles/<id>`, `organizations/<o>/roles/<id>`",
      ),
  })
  .strict();
