// Shared test helpers: synthesize the app from the shipped configuration, or a mutated copy, in memory.
import { Testing } from "cdktf";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { addEnvironments, EnvironmentStacks } from "../lib/app";
import { parseConfig } from "../lib/config";

/** The shipped `environments.json`, parsed as raw JSON. */
export function defaultRawConfig(): any {
  return JSON.parse(fs.readFileSync(path.join(__dirname, "..", "environments.json"), "utf8"));
}

/** Builds the stacks of every environment of a raw configuration (default: the shipped one). */
export function buildApp(raw: any = defaultRawConfig()): { app: ReturnType<typeof Testing.app>; envs: EnvironmentStacks[] } {
  // One fixed outdir: Testing.app() would otherwise leave a temp folder per call.
  const app = Testing.app({ outdir: path.join(os.tmpdir(), "metaflow-gcp-tests") });
  return { app, envs: addEnvironments(app, parseConfig(raw)) };
}

/** The raw config with one environment, `dev`, changed by `mutate`. */
export function devConfig(mutate: (env: any, raw: any) => void = () => undefined): any {
  const raw = defaultRawConfig();
  raw.environments = { dev: raw.environments.dev };
  mutate(raw.environments.dev, raw);
  return raw;
}

/** Synthesized Terraform JSON of a stack, as an object. */
export function synthJson(stack: Parameters<typeof Testing.synth>[0]): any {
  return JSON.parse(Testing.synth(stack));
}

/** The `dev` environment's stacks (as JSON strings for the cdktf matchers, and parsed) for a config mutation. */
export function synthDev(mutate?: (env: any, raw: any) => void) {
  const { envs } = buildApp(devConfig(mutate));
  const [{ infra, services }] = envs;
  const infraSynth = Testing.synth(infra);
  const servicesSynth = Testing.synth(services);
  return { infra, services, infraSynth, servicesSynth, infraJson: JSON.parse(infraSynth), servicesJson: JSON.parse(servicesSynth) };
}

/** All resources of one type in synthesized JSON, keyed by their Terraform name. */
export function resourcesOf(json: any, type: string): Record<string, any> {
  return json.resource?.[type] ?? {};
}

/** The only resource of a type; fails the test when there is not exactly one. */
export function onlyResource(json: any, type: string): any {
  const all = Object.values(resourcesOf(json, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}
