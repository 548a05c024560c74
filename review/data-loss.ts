// What a destroyed resource takes with it, said plainly, and what its deletion protection does to the apply.
import { code } from "./markdown";
import { EnvironmentModel, ResourceModel, StackModel } from "./model";
import { Replacement, consequencesOf } from "./propagation";
import { refsIn } from "./refs";
import { literal } from "./resolve";
import { block, record, where } from "./shared";

/** Resources of the stack whose `arg` reads `target`. */
function readers(stack: StackModel, target: ResourceModel, type: string, arg: string): ResourceModel[] {
  return stack.resources.filter((r) => r.type === type && refsIn(r.body[arg]).some((ref) => ref.address === target.address));
}

function lost(env: EnvironmentModel, stack: StackModel, r: ResourceModel): string | undefined {
  const name = (v: unknown) => literal(env.synth, stack, v);
  switch (r.type) {
    case "google_sql_database_instance": {
      const dbs = readers(stack, r, "google_sql_database", "instance").map((d) => code(name(d.body.name) ?? d.address));
      return `the metadata database: the Cloud SQL instance and every database on it${dbs.length > 0 ? ` (${dbs.join(", ")})` : ""}; only an export or backup taken beforehand brings them back`;
    }
    case "google_sql_database":
      return `the database ${code(name(r.body.name) ?? r.address)} and every table in it`;
    case "google_storage_bucket": {
      const bucket = name(r.body.name);
      const datastore =
        bucket !== undefined &&
        stack.outputs.some((o) => /datastore/.test(o.name) && typeof o.value === "string" && o.value.startsWith(`gs://${bucket}`));
      return `every object in the bucket${datastore ? `: the Metaflow datastore (${code(`gs://${bucket}`)}, the artifacts of every run)` : ""}`;
    }
    case "google_container_cluster":
      return "every workload in the cluster and every object in it, those the services stack deploys (listed under it) and those charts and controllers created; Metaflow's data is in Cloud SQL and GCS, not here";
    case "google_container_node_pool":
      return "its nodes and their disks: pods on them are evicted until new nodes come up";
    case "kubernetes_namespace":
    case "kubernetes_namespace_v1":
      return `every object in namespace ${code(name(block(r.body.metadata).name) ?? r.address)}`;
    default:
      return /persistent_volume|compute_disk|filestore|redis|bigquery/.test(r.type) ? "the data it holds" : undefined;
  }
}

/** Replacements Terraform plans in the same apply as `rep` and, being its dependents, destroys before it. */
function destroyedFirst(all: Map<string, Replacement>, rep: Replacement): Replacement[] {
  const out: Replacement[] = [];
  for (const child of consequencesOf(all, rep.key)) {
    if (!child.planned || child.stack !== rep.stack) continue;
    // deletion_policy ABANDON: Terraform forgets the object instead of deleting it.
    if (child.resource.body.deletion_policy !== "ABANDON") out.push(child);
    out.push(...destroyedFirst(all, child));
  }
  return out;
}

/** What deletion protection (or, for a bucket, force_destroy) does when the apply reaches this destroy. */
function protection(all: Map<string, Replacement>, rep: Replacement): string | undefined {
  const r = rep.resource;
  const before = destroyedFirst(all, rep);
  const earlier =
    before.length > 0 && record(r.body.lifecycle).create_before_destroy !== true
      ? ` Terraform destroys what it replaces with it first, so ${before.map((b) => code(where(b.resource))).join(", ")} ${before.length === 1 ? "is" : "are"} deleted before the apply stops.`
      : "";
  if (r.type === "google_storage_bucket") {
    return r.body.force_destroy === true
      ? "`force_destroy` is on: Terraform deletes every object, then the bucket."
      : `\`force_destroy\` is off: the apply fails at this destroy while the bucket holds objects (GCS refuses to delete a non-empty bucket), before any object is lost.${earlier}`;
  }
  if (!/^(google_sql_database_instance|google_container_cluster)$/.test(r.type)) return undefined;
  // The provider's deletion_protection defaults to true for both types.
  if (r.body.deletion_protection === false) return "`deletion_protection` is off: nothing stops the apply from deleting it.";
  const api =
    block(r.body.settings).deletion_protection_enabled === true ? " (and the API's deletion protection refuses the delete too)" : "";
  return `\`deletion_protection\` is on: the apply fails when it reaches this destroy, before the resource is deleted${api}; that is the point. To go ahead on purpose, secure the data, turn it off in one apply, then apply this.${earlier}`;
}

/** "Data lost: ...; <what protection does>" for a replaced stateful resource, or undefined. */
export function dataLoss(env: EnvironmentModel, all: Map<string, Replacement>, rep: Replacement): string | undefined {
  // Terraform only forgets an object whose deletion_policy is ABANDON; the data goes (or stays) with its parent.
  if (rep.resource.body.deletion_policy === "ABANDON")
    return "Terraform only forgets it (`deletion_policy` ABANDON): the data stays with the instance.";
  const stack = env.synth.stacks.find((s) => s.name === rep.stack);
  const what = stack && lost(env, stack, rep.resource);
  if (!what) return undefined;
  const guard = protection(all, rep);
  return `**Data lost:** ${what}.${guard ? ` ${guard}` : ""}`;
}
