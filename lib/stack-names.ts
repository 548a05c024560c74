// How stacks are named and where their state lives: one place for the app, the backends and the review tool.

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
