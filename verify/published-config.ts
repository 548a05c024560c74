// The ConfigMap metaflow-config in the jobs namespace is readable and holds what the stack publishes for this
// configuration: config.json key by key, and the client pins (requirements.txt) byte for byte.
import { VerifyContext, field, readJson, settle } from "./context";
import { PublishedConfigRef } from "./plan";
import { CheckResult } from "./result";

const REDEPLOY = "deploy the services stack again (npx cdktf deploy <env>-services): it writes the ConfigMap";

/** How the published config.json differs from the expected one: one phrase per key. */
export function configDifferences(published: Record<string, unknown>, expected: PublishedConfigRef): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(expected.config)) {
    if (!(key in published)) out.push(`${key} missing`);
    else if (published[key] !== value) out.push(`${key} is ${JSON.stringify(published[key])}, expected ${JSON.stringify(value)}`);
  }
  for (const key of Object.keys(published)) {
    if (!(key in expected.config) && !(key in expected.unknown)) out.push(`${key} is not published by the stack`);
  }
  for (const key of Object.keys(expected.unknown)) if (!(key in published)) out.push(`${key} missing`);
  return out;
}

export function checkPublishedConfig(ctx: VerifyContext): Promise<CheckResult> {
  const p = ctx.plan.publishedConfig;
  const what = `ConfigMap ${p.namespace}/${p.name}`;
  return settle(ctx, `config ${p.namespace}/${p.name}`, async () => {
    const configMap = await readJson(ctx, `/api/v1/namespaces/${p.namespace}/configmaps/${p.name}`, what);
    const text = field(configMap, "data", p.configKey);
    let published: unknown;
    try {
      published = typeof text === "string" ? JSON.parse(text) : undefined;
    } catch {
      published = undefined;
    }
    if (typeof published !== "object" || published === null || Array.isArray(published)) {
      return { status: "fail", message: `${p.configKey} is missing or not a JSON object`, fix: REDEPLOY };
    }
    const differences = configDifferences(published as Record<string, unknown>, p);
    if (field(configMap, "data", p.requirementsKey) !== p.requirements) {
      differences.push(`${p.requirementsKey} differs from requirements/metaflow-client.txt`);
    }
    if (differences.length > 0) {
      return { status: "fail", message: `differs from what the stack publishes: ${differences.join("; ")}`, fix: REDEPLOY };
    }
    const unknown = Object.entries(p.unknown).map(([key, output]) => `${key} (needs the infra output ${output})`);
    const notChecked = unknown.length > 0 ? `; not compared without the infra stack's outputs: ${unknown.join(", ")}` : "";
    return {
      status: "pass",
      message: `${Object.keys(p.config).length} keys of ${p.configKey} and ${p.requirementsKey} as the stack publishes them${notChecked}`,
    };
  });
}
