// The app's configuration: one entry point that reads, validates and resolves environments.json.
// A bad value fails here, before any stack is built, so a failed synth writes nothing.
import * as fs from "fs";
import { z } from "zod";
import { environmentIssues } from "./checks";
import { crossEnvironmentIssues } from "./collisions";
import { ConfigError, describe, Issue, parseJson, zodIssueLines } from "./errors";
import { resolve } from "./resolve";
import { AppConfig, AppConfigSchema } from "./environment";

export { ConfigError } from "./errors";
export type { AppConfig, EnvironmentConfig, ResourceNames } from "./environment";
export { AppConfigSchema, EnvironmentSchema } from "./environment";

/** Validates raw configuration (parsed JSON) and returns every environment fully resolved. */
export function parseConfig(input: unknown): AppConfig {
  const parsed = AppConfigSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(zodIssueLines(parsed.error, input, AppConfigSchema));
  const issues: Issue[] = [];
  const rawEnvs = (input as { environments: Record<string, unknown> }).environments;
  const environments = Object.entries(parsed.data.environments).map(([name, env]) => {
    const resolved = resolve(name, env, parsed.data, issues);
    issues.push(...environmentIssues(resolved, rawEnvs[name]));
    return resolved;
  });
  issues.push(...crossEnvironmentIssues(environments, parsed.data.stateBackend?.bucket));
  if (issues.length > 0) throw new ConfigError(issues.map(describe));
  return { stateBackend: parsed.data.stateBackend, environments };
}

/** The JSON Schema of a configuration file (environments.schema.json), as the text `npm run schema` writes. */
export function configJsonSchema(): string {
  const schema = z.toJSONSchema(AppConfigSchema, { io: "input", unrepresentable: "any" });
  return `${JSON.stringify({ ...schema, title: "metaflow-gcp environments" }, null, 2)}\n`;
}

/** The file read by `main.ts`: `$METAFLOW_GCP_CONFIG`, or `environments.json` next to `cdktf.json`. */
export function configPath(): string {
  return process.env.METAFLOW_GCP_CONFIG ?? "environments.json";
}

/** Reads and validates a configuration file. */
export function loadConfig(file: string = configPath()): AppConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError([`cannot read ${file}: ${(error as Error).message}`]);
  }
  return parseConfig(parseJson(text, file));
}
