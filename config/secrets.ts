// Secret Manager for Metaflow's @secrets: the name prefix of the secrets an environment's flows may read and write.
import { z } from "zod";

/** Longest Secret Manager secret id (CreateSecretRequest.secret_id: at most 255 characters). */
export const SECRET_ID_MAX = 255;

/**
 * A prefix of Secret Manager secret ids (letters, digits, `-`, `_`): at most 254 characters, leaving room for a name,
 * and ending in `-` or `_`, so that it ends where a word does and `startsWith` conditions cover no other team's names.
 */
export const secretIdPrefix = z
  .string()
  .regex(
    new RegExp(`^[A-Za-z0-9_-]{0,${SECRET_ID_MAX - 2}}[-_]$`),
    `secret name prefixes must be 1-${SECRET_ID_MAX - 1} letters, digits, "_" or "-" (Secret Manager ids take at most ${SECRET_ID_MAX}), ending in "-" or "_"`,
  );

export const SecretsSchema = z
  .object({
    prefix: secretIdPrefix.optional().meta({
      description:
        'Secret Manager secrets whose ids start with it are this environment\'s: the Metaflow service account may read them, flow runners may add versions to and read them (IAM conditions on the name) and create secrets (checked on the project, so not by name), and `@secrets(sources=["db-password"])` reads `<prefix>db-password`; letters, digits, `_`, `-`, ending in `-` or `_`, at most 254; no other environment of the project may use a prefix that starts with it',
      "x-default": "`<namePrefix>-<env>-`",
    }),
  })
  .strict();
