// What in a change needs care or loses data: a stateful resource removed or replaced (with the reason its flag
// gives), a major version upgrade, deletion protection turned off, and a stack that left the synth.
import { STATEFUL_TYPES } from "./force-new";
import { ResourceModel, StackModel } from "./model";
import { Replacement } from "./propagation";

/** Why a resource is destroyed or otherwise needs care; `destroys` is true for a destroy (and create). */
export interface Hazard {
  readonly stack: string;
  readonly address: string;
  readonly type: string;
  readonly path?: string;
  readonly destroys: boolean;
  readonly reason: string;
  /** The replacement this hazard is about, when it is one. */
  readonly replacement?: Replacement;
}

/** Engine and major version: POSTGRES_16 -> POSTGRES_16, MYSQL_8_0_31 -> MYSQL_8_0. */
export function majorVersion(version: string): string {
  const m = /^(POSTGRES_\d+|MYSQL_\d+_\d+|SQLSERVER_\d+_[A-Z]+)/.exec(version);
  return m ? m[1] : version;
}

/** Terraform only forgets an object with deletion_policy ABANDON: destroying the resource loses no data. */
const abandoned = (r: ResourceModel) => r.body.deletion_policy === "ABANDON";
const ABANDONED = "; its deletion_policy is ABANDON, so Terraform only forgets the old object and the data stays";

/** Removed stateful resources, major version upgrades and protection turned off. */
export function careHazards(
  stack: string,
  removed: ResourceModel[],
  changed: readonly { from: ResourceModel; to: ResourceModel }[],
): Hazard[] {
  const hazards: Hazard[] = [];
  const hazard = (r: ResourceModel, destroys: boolean, reason: string) =>
    hazards.push({ stack, address: r.address, type: r.type, path: r.path, destroys, reason });
  for (const r of removed) {
    if (STATEFUL_TYPES.test(r.type))
      hazard(r, !abandoned(r), `removed from the code: Terraform destroys it${abandoned(r) ? ABANDONED : ""}`);
  }
  for (const { from, to } of changed) {
    if (
      to.type === "google_sql_database_instance" &&
      typeof from.body.database_version === "string" &&
      typeof to.body.database_version === "string"
    ) {
      const a = majorVersion(from.body.database_version);
      const b = majorVersion(to.body.database_version);
      if (a !== b)
        hazard(
          to,
          false,
          `database_version ${a} -> ${b}: an in-place major version upgrade with downtime that cannot be rolled back; take a backup first`,
        );
    }
    if (STATEFUL_TYPES.test(to.type) && from.body.deletion_protection !== false && to.body.deletion_protection === false) {
      hazard(to, false, "deletion_protection turned off");
    }
  }
  return hazards;
}

/** Why a replacement happens, with the cause it follows from: the flag's reason. */
export function replacementReason(all: Map<string, Replacement>, r: Replacement): string {
  if (!r.cause) {
    return r.why.startsWith("construct path or ID changed")
      ? `${r.why}: Terraform destroys the old address and creates the new one; keep the ID, or move the state (\`moveTo\`/\`moved\` block, \`terraform state mv\`)`
      : `${r.why} cannot be changed in place: Terraform destroys and recreates it`;
  }
  const cause = all.get(r.cause)!;
  const outcome = r.planned
    ? "Terraform destroys and recreates it"
    : r.stack === cause.stack
      ? "destroyed with it; a later apply recreates it"
      : `destroyed with it; the next apply of ${r.stack} recreates it`;
  return `${r.why}, which is replaced (${cause.why}): ${outcome}`;
}

/** A replaced stateful resource: destroyed, unless its deletion_policy ABANDON only lets Terraform forget it. */
export function replacedHazard(all: Map<string, Replacement>, r: Replacement): Hazard {
  return {
    stack: r.stack,
    address: r.resource.address,
    type: r.resource.type,
    path: r.resource.path,
    destroys: !abandoned(r.resource),
    reason: `${replacementReason(all, r)}${abandoned(r.resource) ? ABANDONED : ""}`,
    replacement: r,
  };
}

/** A stack in the older synth and not in this one: its resources stay deployed, unmanaged, until destroyed. */
export function removedStackHazard(stack: StackModel, against: string): Hazard {
  const stateful = stack.resources.filter((r) => STATEFUL_TYPES.test(r.type));
  const list = stateful.length > 0 ? stateful.map((r) => `${r.path ?? r.address} (${r.type})`).join(", ") : "none";
  return {
    stack: stack.name,
    address: stack.name,
    type: "stack",
    destroys: true,
    reason:
      `stack ${stack.name} is in ${against} but not in this synth: cdktf no longer plans it, so its ${stack.resources.length} resources stay deployed without code, ` +
      `until someone destroys the stack (\`cdktf destroy ${stack.name}\` from the older checkout) and their data with it. Stateful resources: ${list}`,
  };
}
