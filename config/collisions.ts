// The rules that need every environment at once.
import type { EnvironmentConfig } from "./environment";
import { Issue } from "./errors";
import { derivedNames } from "./names";

/** Names two environments would both create where GCP wants them unique, and a state bucket used as a datastore. */
export function crossEnvironmentIssues(envs: EnvironmentConfig[], stateBucket: string | undefined): Issue[] {
  const issues: Issue[] = [];
  const owners = new Map<string, { env: string; field: string }>();
  for (const env of envs) {
    for (const n of derivedNames(env)) {
      if (n.scope === undefined) continue;
      const key = `${n.kind ?? n.what}|${n.scope}|${n.name}`;
      const owner = owners.get(key);
      if (owner === undefined) {
        owners.set(key, { env: env.name, field: n.field });
        continue;
      }
      issues.push({
        env: env.name,
        field: n.field,
        value: n.name,
        rule: `the ${n.what} "${n.name}" is also used by environment "${owner.env}" (${owner.field}); it must be unique in ${n.scope}`,
      });
    }
    // CI runs on fresh machines: without a shared state backend, every run would plan against empty local state.
    if (env.ci !== undefined && stateBucket === undefined) {
      issues.push({
        env: env.name,
        field: "ci",
        value: { github: { repository: env.ci.github.repository } },
        rule: "CI needs Terraform state it can share between runs: set stateBackend.bucket at the top level",
      });
    }
    // Each environment's IAM conditions grant every secret whose id starts with its prefix.
    // An equal prefix is reported once, on the later environment.
    const covering = envs.find(
      (other, i) =>
        other !== env &&
        other.project === env.project &&
        env.names.secretPrefix.startsWith(other.names.secretPrefix) &&
        (other.names.secretPrefix !== env.names.secretPrefix || i < envs.indexOf(env)),
    );
    if (covering !== undefined) {
      issues.push({
        env: env.name,
        field: "secrets.prefix",
        value: env.names.secretPrefix,
        rule: `starts with "${covering.names.secretPrefix}", the secret prefix of environment "${covering.name}" in the same project, whose flows could then read this environment's secrets: choose prefixes of which none starts with another`,
      });
    }
    if (stateBucket !== undefined && stateBucket === env.names.bucket) {
      issues.push({
        field: "stateBackend.bucket",
        value: stateBucket,
        rule: `is the datastore bucket of environment "${env.name}", where every flow can read objects: keep Terraform state (passwords, keys) in a bucket of its own`,
      });
    }
  }
  return issues;
}
