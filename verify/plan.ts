// What the services stack deploys for an environment, read from the stack itself: the app's own stacks are built in
// memory from the configuration (nothing is written, no state is read), and the Deployments, the Job, the Services,
// the Helm releases and the published configuration are taken from them. The infra values that config.json carries
// (the datastore root, the Docker Hub cache) come from the infra stack the same way, or from its real outputs.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack } from "cdktf";
import { AppConfig, EnvironmentConfig } from "../config";
import { metaflowClientRequirements } from "../lib/metaflow-client";
import { metaflowConfig } from "../lib/metaflow-outputs";
import { addEnvironments } from "../stacks/app";
import { readInfraOutputs } from "../stacks/infra-outputs";
import { ServicesStack } from "../stacks/services-stack";
import { metaflowConfigInputs } from "../stacks/user-outputs";

/** A namespaced object of the stack. */
export interface ObjectRef {
  readonly namespace: string;
  readonly name: string;
}

/** A Deployment of the stack, with the replicas it asks for. */
export interface DeploymentRef extends ObjectRef {
  readonly replicas: number;
}

/** An Ingress of iap access, or an internal LoadBalancer Service with the address it must get. */
export interface ExposureRef extends ObjectRef {
  readonly kind: "ingress" | "load balancer";
  /** The address the Service asks for (load balancers); Ingresses name a reserved address by name only. */
  readonly address?: string;
  /** The DNS name an Ingress serves, which must resolve to its address for the managed certificate. */
  readonly host?: string;
}

/** A Helm release of an upstream chart, and the components whose Deployments it must run. */
export interface ReleaseRef extends ObjectRef {
  readonly chart: string;
  /** Values of the label app.kubernetes.io/component on the release's Deployments (CHART_COMPONENTS). */
  readonly components: readonly string[];
}

/** A service that answers a health path through the API server's service proxy. */
export interface HealthRef extends ObjectRef {
  readonly what: string;
  readonly port: number;
  readonly path: string;
  /** The body it answers with when up. */
  readonly answer: string;
}

/** The published configuration as the stack writes it. */
export interface PublishedConfigRef extends ObjectRef {
  readonly configKey: string;
  readonly requirementsKey: string;
  /** config.json's keys and values; those whose value needs the infra stack's state are in `unknown` instead. */
  readonly config: Readonly<Record<string, string>>;
  /** Keys of config.json whose value cannot be computed without the infra stack's state, with the output each needs. */
  readonly unknown: Readonly<Record<string, string>>;
  readonly requirements: string;
}

export interface VerifyPlan {
  readonly env: string;
  readonly namespaces: readonly string[];
  readonly deployments: readonly DeploymentRef[];
  readonly jobs: readonly ObjectRef[];
  readonly services: readonly ObjectRef[];
  /** What services.access exposes: the Ingresses, and the internal load balancers with their address. */
  readonly exposures: readonly ExposureRef[];
  readonly releases: readonly ReleaseRef[];
  readonly health: readonly HealthRef[];
  readonly publishedConfig: PublishedConfigRef;
}

/**
 * Deployments each upstream chart runs, by their app.kubernetes.io/component label: the workflow controller and the
 * Argo Server of argo-workflows, the controller of argo-events, the controller of jobset (each chart's contract test
 * in __tests__/contracts/ names the template).
 */
export const CHART_COMPONENTS: Readonly<Record<string, readonly string[]>> = {
  "argo-workflows": ["workflow-controller", "server"],
  "argo-events": ["controller-manager"],
  jobset: ["controller"],
};

/** What metaflow-service's GET /ping answers (__tests__/contracts/metaflow-service.test.ts). */
export const PONG = "pong";

/** Infra output values by output name (as `terraform output -json` names them). */
export type InfraValues = Readonly<Record<string, string>>;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const block = (v: unknown): Json => (Array.isArray(v) ? block(v[0]) : isObject(v) ? v : {});
const resources = (tf: Json, type: string): Json[] => Object.values(block(block(tf.resource)[type])).map(block);

/** Marks an infra value that only the infra stack's state knows. */
const UNKNOWN_MARK = "<unknown infra output>";
const unknownValue = (output: string) => `${UNKNOWN_MARK}${output}${UNKNOWN_MARK}`;
const UNKNOWN = new RegExp(`${UNKNOWN_MARK}(.+?)${UNKNOWN_MARK}`);

/**
 * The infra stack's outputs that are known before its apply: plain values, or references to arguments of its
 * resources that are plain values (a repository's location, project and id). Anything Google computes is left out.
 */
export function plannedInfraValues(infra: TerraformStack): InfraValues {
  const tf = infra.toTerraform() as Json;
  const ref = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}/g;
  const known = (value: unknown): string | undefined => {
    if (typeof value !== "string") return undefined;
    const resolved = value.replace(ref, (whole, type: string, name: string, attr: string) => {
      const arg = block(block(block(tf.resource)[type])[name])[attr];
      return typeof arg === "string" && !arg.includes("${") ? arg : whole;
    });
    return resolved.includes("${") ? undefined : resolved;
  };
  const values: Record<string, string> = {};
  for (const [name, output] of Object.entries(block(tf.output))) {
    const value = known(block(output).value);
    if (value !== undefined) values[name] = value;
  }
  return values;
}

/** The values of `terraform output -json` (or of a state file's `outputs`), by output name. */
export function parseInfraOutputs(text: string, file: string): InfraValues {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not JSON (${(error as Error).message})`, { cause: error });
  }
  const outputs = isObject(json) && isObject(json.outputs) ? json.outputs : json;
  if (!isObject(outputs)) throw new Error(`${file}: expected the object that \`terraform output -json\` prints`);
  const values: Record<string, string> = {};
  for (const [name, output] of Object.entries(outputs)) {
    const value = block(output).value;
    if (typeof value === "string") values[name] = value;
  }
  return values;
}

/** The objects of the services stack as synthesized (names and namespaces are plain values in it). */
function stackObjects(services: ServicesStack) {
  const tf = services.toTerraform() as Json;
  const meta = (r: Json): ObjectRef => {
    const m = block(r.metadata);
    return { namespace: String(m.namespace ?? "default"), name: String(m.name) };
  };
  const deployments = resources(tf, "kubernetes_deployment_v1").map((r) => ({
    ...meta(r),
    replicas: Number(block(r.spec).replicas ?? 1),
  }));
  const releases = resources(tf, "helm_release")
    .filter((r) => String(r.chart) in CHART_COMPONENTS)
    .map((r) => ({
      namespace: String(r.namespace),
      name: String(r.name),
      chart: String(r.chart),
      components: CHART_COMPONENTS[String(r.chart)] ?? [],
    }));
  return {
    namespaces: resources(tf, "kubernetes_namespace_v1").map((r) => meta(r).name),
    deployments,
    jobs: resources(tf, "kubernetes_job_v1").map(meta),
    services: resources(tf, "kubernetes_service_v1").map(meta),
    exposures: [
      ...resources(tf, "kubernetes_ingress_v1").map((r) => ({
        ...meta(r),
        kind: "ingress" as const,
        host: String(block(block(r.spec).rule).host),
      })),
      ...resources(tf, "kubernetes_service_v1")
        .filter((r) => block(r.spec).type === "LoadBalancer")
        .map((r) => ({ ...meta(r), kind: "load balancer" as const, address: String(block(r.spec).load_balancer_ip) })),
    ],
    releases,
  };
}

/** The published config.json for these infra values, with the keys it cannot know listed apart. */
function expectedConfig(env: EnvironmentConfig, services: ServicesStack, infraValues: InfraValues) {
  const infra = readInfraOutputs(
    { getString: (output: string) => infraValues[output] ?? unknownValue(output) },
    {
      argoDb: env.services.argoWorkflowArchive,
      serviceAccountKey: env.identity.createKey,
      imageCache: env.imageCache.enabled,
    },
  );
  const inputs = metaflowConfigInputs({
    env,
    infra,
    metadata: services.metadata,
    argoEvents: services.argoEvents,
    jobsServiceAccount: services.metaflowIdentity.ksaName,
  });
  const config: Record<string, string> = {};
  const unknown: Record<string, string> = {};
  for (const [key, value] of Object.entries(metaflowConfig(inputs))) {
    if (value === undefined) continue;
    const missing = UNKNOWN.exec(value);
    if (missing) unknown[key] = missing[1];
    else config[key] = value;
  }
  return { config, unknown };
}

/**
 * What `npm run verify` expects of an environment. `infraOutputs`: the infra stack's real outputs, when given;
 * otherwise the values the infra stack plans for this configuration.
 */
export function verifyPlan(config: AppConfig, env: EnvironmentConfig, infraOutputs?: InfraValues): VerifyPlan {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "metaflow-gcp-verify-"));
  try {
    const app = new App({ outdir, skipValidation: true });
    const [stacks] = addEnvironments(app, { ...config, environments: [env] });
    const objects = stackObjects(stacks.services);
    const { metadata, ui, publishedConfig } = stacks.services;
    const health = [
      { what: "metadata service", service: metadata.service },
      { what: "UI backend", service: ui.service },
    ].map(({ what, service }) => ({
      what,
      // The namespace as the stack writes it on the Service.
      namespace: objects.services.find((s) => s.name === service.serviceName)?.namespace ?? "",
      name: service.serviceName,
      port: service.port,
      path: service.probePath,
      answer: PONG,
    }));
    const expected = expectedConfig(env, stacks.services, infraOutputs ?? plannedInfraValues(stacks.infra));
    return {
      env: env.name,
      ...objects,
      health,
      publishedConfig: {
        namespace: publishedConfig.namespace,
        name: publishedConfig.name,
        configKey: publishedConfig.configKey,
        requirementsKey: publishedConfig.requirementsKey,
        ...expected,
        requirements: metaflowClientRequirements(),
      },
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
