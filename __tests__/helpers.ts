// Shared test helpers: synthesize the app from the example configuration, or a mutated copy, in memory.
import type { App, Testing } from "cdktf";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { EnvironmentStacks } from "../stacks/app";
import { ConfigError, loadConfig, parseConfig } from "../config";
import { STACK_KINDS, stackName } from "../lib/stack-names";
import * as YAML from "yaml";
import { resourcesOf } from "./json";

// cdktf, the provider bindings and the app's stacks load on first use, so a test of the configuration alone does not
// load them (most of what a test file would otherwise load).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cdktf = (): typeof import("cdktf") => require("cdktf");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stacks = (): typeof import("../stacks/app") => require("../stacks/app");

export { onlyResource, resourcesOf } from "./json";

/**
 * The example configuration the tests build from, shipped with the project. Tests never read the user's own
 * `environments.json`, which a fork edits: `user-config.test.ts` alone checks that one.
 */
export const EXAMPLE_CONFIG = path.join(__dirname, "..", "examples", "environments.json");

/** The example configuration, parsed as raw JSON. */
export function defaultRawConfig(): any {
  return JSON.parse(fs.readFileSync(EXAMPLE_CONFIG, "utf8"));
}

/** Builds the stacks of every environment of a raw configuration (default: the example). */
export function buildApp(raw: any = defaultRawConfig()): { app: ReturnType<typeof Testing.app>; envs: EnvironmentStacks[] } {
  // One fixed outdir: Testing.app() would otherwise leave a temp folder per call.
  const app = cdktf().Testing.app({ outdir: path.join(os.tmpdir(), "metaflow-gcp-tests") });
  return { app, envs: stacks().addEnvironments(app, parseConfig(raw)) };
}

/**
 * What the user-config test checks of a configuration file: valid under the schema and every rule (a ConfigError
 * otherwise), and synthesized by the app. Returns the stacks written with resources, and the two stacks of every
 * environment, which they must be.
 */
export function synthConfigFile(file: string): { written: string[]; expected: string[] } {
  const config = loadConfig(file);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "metaflow-gcp-config-file-"));
  try {
    const app = cdktf().Testing.app({ outdir });
    stacks().addEnvironments(app, config);
    app.synth();
    const written = Object.keys(JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")).stacks).filter(
      (stack) =>
        Object.keys(JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")).resource ?? {}).length > 0,
    );
    const expected = config.environments.flatMap((e) => STACK_KINDS.map((kind) => stackName(e.name, kind)));
    return { written: written.sort(), expected: expected.sort() };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Synthesizes the whole app into a temporary folder, as `cdktf synth` does; returns each stack's JSON by name. */
export function synthStacks(build: (app: App) => void): Record<string, any> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "metaflow-gcp-stacks-"));
  try {
    const app = new (cdktf().App)({ outdir, stackTraces: false });
    build(app);
    app.synth();
    const stacks = Object.keys(JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")).stacks);
    return Object.fromEntries(stacks.map((s) => [s, JSON.parse(fs.readFileSync(path.join(outdir, "stacks", s, "cdk.tf.json"), "utf8"))]));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The raw config with one environment, `dev`, changed by `mutate`. */
export function devConfig(mutate: (env: any, raw: any) => void = () => undefined): any {
  const raw = defaultRawConfig();
  raw.environments = { dev: raw.environments.dev };
  mutate(raw.environments.dev, raw);
  return raw;
}

/** The issues a configuration that must be refused is refused with; fails when it is accepted. */
export function issuesOf(raw: unknown): string[] {
  try {
    parseConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error("expected the configuration to be rejected");
}

/** Synthesized Terraform JSON of a stack, as an object. */
export function synthJson(stack: Parameters<typeof Testing.synth>[0]): any {
  return JSON.parse(cdktf().Testing.synth(stack));
}

/** Synthesizes once, on first use: most tests read one stack of the two. */
function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/** The `dev` environment's stacks (as JSON strings for the cdktf matchers, and parsed) for a config mutation. */
export function synthDev(mutate?: (env: any, raw: any) => void) {
  const { envs } = buildApp(devConfig(mutate));
  const [{ infra, services }] = envs;
  const infraSynth = lazy(() => cdktf().Testing.synth(infra));
  const servicesSynth = lazy(() => cdktf().Testing.synth(services));
  const infraJson = lazy(() => JSON.parse(infraSynth()));
  const servicesJson = lazy(() => JSON.parse(servicesSynth()));
  return {
    infra,
    services,
    get infraSynth() {
      return infraSynth();
    },
    get servicesSynth() {
      return servicesSynth();
    },
    get infraJson() {
      return infraJson();
    },
    get servicesJson() {
      return servicesJson();
    },
  };
}

/** The parsed `values` of the helm_release with this release name; fails when there is none. */
export function helmValues(json: any, releaseName: string): any {
  const release = Object.values(resourcesOf(json, "helm_release")).find((r: any) => r.name === releaseName) as any;
  if (!release) throw new Error(`no helm_release named ${releaseName}`);
  return JSON.parse(release.values[0]);
}

/** The Argo workflow controller's configuration, parsed from the ConfigMap the services stack owns. */
export function controllerConfig(json: any): any {
  const cm = Object.values<any>(resourcesOf(json, "kubernetes_config_map_v1")).find(
    (c) => c.metadata.name === "argo-workflows-workflow-controller-configmap",
  );
  if (!cm) throw new Error("no ConfigMap argo-workflows-workflow-controller-configmap");
  return YAML.parse(cm.data.config);
}

/** The helm_release with this release name. */
export function helmRelease(json: any, releaseName: string): any {
  const release = Object.values(resourcesOf(json, "helm_release")).find((r: any) => r.name === releaseName);
  if (!release) throw new Error(`no helm_release named ${releaseName}`);
  return release;
}

/** Every container image a synthesized stack runs: Deployment and Job containers and the images in Helm values. */
/** The registry caches' pull paths as the services stack reads them from the infra state. */
export const CACHES = {
  dockerHub: "${data.terraform_remote_state.infra.outputs.image_cache_docker_hub}",
  quay: "${data.terraform_remote_state.infra.outputs.image_cache_quay}",
} as const;

/** A reference as its upstream registry serves it: a cache's pull path put back to the registry it caches. */
export function upstreamImage(ref: string): string {
  for (const [cache, registry] of [
    [CACHES.dockerHub, "docker.io"],
    [CACHES.quay, "quay.io"],
  ]) {
    if (ref.startsWith(`${cache}/`)) return registry + ref.slice(cache.length);
  }
  return ref;
}

export function allImages(json: any): { where: string; image: string }[] {
  const found: { where: string; image: string }[] = [];
  const workloads = { ...resourcesOf(json, "kubernetes_deployment_v1"), ...resourcesOf(json, "kubernetes_job_v1") };
  for (const [name, d] of Object.entries<any>(workloads)) {
    const spec = d.spec.template.spec;
    for (const c of [...(spec.init_container ?? []), ...spec.container]) found.push({ where: `${name}/${c.name}`, image: c.image });
  }
  const walk = (value: any, where: string) => {
    if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${where}[${i}]`));
    if (value === null || typeof value !== "object") return;
    // The argoproj charts' {registry, repository, tag} objects.
    if (typeof value.repository === "string" && "tag" in value) {
      const ref = `${value.registry ? `${value.registry}/` : ""}${value.repository}:${value.tag}`;
      found.push({ where, image: ref });
    }
    for (const [key, v] of Object.entries(value)) {
      if (typeof v === "string" && /image$/i.test(key)) found.push({ where: `${where}.${key}`, image: v });
      else walk(v, `${where}.${key}`);
    }
  };
  for (const r of Object.values<any>(resourcesOf(json, "helm_release"))) walk(JSON.parse(r.values[0]), `helm:${r.name}`);
  return found;
}

/** Asserts that `dev` changed by `mutate` is refused with a line naming `field` and matching `rule`. */
export function expectRefused(mutate: (env: any, raw: any) => void, field: string, rule: RegExp): void {
  let error: unknown;
  try {
    parseConfig(devConfig(mutate));
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const line = (error as ConfigError).issues.find((i) => i.includes(`field "${field}"`));
  expect(line).toBeDefined();
  expect(line).toMatch(rule);
}

/**
 * A config mutation with the pools an ML team adds: the default `flows` pool, a Spot pool and a GPU pool (one T4 on
 * an N1 machine, in a zone config/accelerator-zones.ts lists for it).
 */
export function withMlPools(e: any): void {
  const flows = { name: "flows", machineType: "e2-standard-4", minNodes: 0, maxNodes: 5 };
  e.cluster = {
    ...e.cluster,
    nodePools: [
      { ...flows, taints: [{ key: "metaflow-gcp/pool", value: "flows", effect: "NO_SCHEDULE" }] },
      { ...flows, name: "spot", maxNodes: 10, spot: true },
      { ...flows, name: "gpu", machineType: "n1-standard-4", maxNodes: 2, accelerator: { type: "nvidia-tesla-t4", count: 1 } },
    ],
  };
}
