// How stacks are named and where their state lives: one place for the app, the backends and the review tool.
import type { IConstruct } from "constructs";

/** The two stacks of an environment, in deploy order. */
export const STACK_KINDS = ["infra", "services"] as const;
export type StackKind = (typeof STACK_KINDS)[number];

/** `<env>-infra` or `<env>-services`. */
export function stackName(env: string, kind: StackKind): string {
  return `${env}-${kind}`;
}

/** The environment and kind of a stack name, or undefined for a stack this app did not name. */
export function parseStackName(name: string): { env: string; kind: StackKind } | undefined {
  const m = /^(.+)-(infra|services)$/.exec(name);
  return m ? { env: m[1], kind: m[2] as StackKind } : undefined;
}

/** cdktf's info annotation: the only construct metadata it copies into manifest.json (and prints at synth). */
const MANIFEST_INFO = "@cdktf/info";

/** The message that records a stack's kind in manifest.json; scripts/validate/stack.py reads it (STACK_KIND). */
export function stackKindNote(kind: StackKind): string {
  return `metaflow-gcp stack kind: ${kind}`;
}

/**
 * Records the kind of a stack in manifest.json, next to the dependencies that give the deploy order, so the
 * validate and cluster-test scripts need not guess it from the name. The stack's cdk.tf.json does not change.
 */
export function recordStackKind(stack: IConstruct, kind: StackKind): void {
  // Without a stack trace, which would carry this machine's paths into the manifest.
  stack.node.addMetadata(MANIFEST_INFO, stackKindNote(kind));
}

/**
 * Local state of a stack. Terraform runs in cdktf.out/stacks/<stack>; the file lives in the project root, where it
 * survives a fresh synth, and a relative path keeps the synthesized JSON the same on every machine.
 */
export function localStatePath(stack: string): string {
  return `../../../terraform.${stack}.tfstate`;
}

/** The object prefix of a stack's state in the GCS state bucket. */
export function gcsStatePrefix(prefix: string, stack: string): string {
  return `${prefix}/${stack}`;
}
