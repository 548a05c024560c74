// Builds one construct alone, as cdktf's testing guide does: a bare TerraformStack in a test app, with only the
// providers the construct's resources need, synthesized in memory. Nothing here reads environments.json or the app.
//
// `toBeValidTerraform` is not used: it runs `terraform init` and `terraform validate` on the synthesized stack, which
// downloads the google, kubernetes, helm and random providers, and these specs run offline. `npm run validate` proves
// the synthesized app stacks with real Terraform and provider binaries instead.
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { DefaultTokenResolver, StringConcat, TerraformStack, Testing, Tokenization } from "cdktf";
import { IConstruct } from "constructs";
// The typings of the cdktf matchers that __tests__/setup.ts installs (toHaveResourceWithProperties, ...).
import type {} from "cdktf/lib/testing/adapters/jest";
import * as os from "os";
import * as path from "path";
import { DbCredentials } from "../../constructs/db-credentials";
import { MetaflowDbConnection } from "../../constructs/metaflow-db";
import { resourcesOf } from "../json";

export { onlyResource, resourcesOf } from "../json";

/** Project the specs deploy to; a plain string where the app passes its config. */
export const PROJECT = "test-project";
export const REGION = "europe-west1";

/** The providers a construct may need, each added by name. */
const PROVIDERS = {
  google: (stack: TerraformStack) => new GoogleProvider(stack, "google", { project: PROJECT, region: REGION }),
  random: (stack: TerraformStack) => new RandomProvider(stack, "random"),
  kubernetes: (stack: TerraformStack) => new KubernetesProvider(stack, "kubernetes", { configPath: "~/.kube/config" }),
  helm: (stack: TerraformStack) => new HelmProvider(stack, "helm", { kubernetes: { configPath: "~/.kube/config" } }),
};

/** A bare stack named "test" with the named providers. */
export function bareStack(...providers: (keyof typeof PROVIDERS)[]): TerraformStack {
  // One fixed outdir: Testing.app() would otherwise leave a temp folder per call.
  const stack = new TerraformStack(Testing.app({ outdir: path.join(os.tmpdir(), "metaflow-gcp-construct-specs") }), "test");
  for (const p of providers) PROVIDERS[p](stack);
  return stack;
}

/** The stack's Terraform JSON: as text for the cdktf matchers, and parsed. */
export function synth(stack: TerraformStack): { text: string; json: any } {
  const text = Testing.synth(stack);
  return { text, json: JSON.parse(text) };
}

/** The Terraform name of the only resource of a type, as `${type}.${name}` (what depends_on lists). */
export function addressOf(json: any, type: string): string {
  const names = Object.keys(resourcesOf(json, type));
  if (names.length !== 1) throw new Error(`expected exactly one ${type}, found ${names.length}`);
  return `${type}.${names[0]}`;
}

/** A `${type.name.attribute}` reference to the only resource of a type. */
export function refTo(json: any, type: string, attribute: string): string {
  return `\${${addressOf(json, type)}.${attribute}}`;
}

/** A construct's exposed attribute (a token) as it appears in the JSON, e.g. `${google_sql_database_instance.x.name}`. */
export function resolve(scope: IConstruct, value: unknown): any {
  return Tokenization.resolve(value, { scope, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) });
}

/** The database connection the Metaflow services take: a private IP and a login Secret created in the stack. */
export function metaflowDb(stack: TerraformStack): MetaflowDbConnection {
  const credentials = new DbCredentials(stack, "metaflow-db", {
    namespace: { name: "metaflow" },
    name: "metaflow-db",
    username: "metaflow",
    password: "pw-ref",
  });
  return { host: "10.9.0.3", name: "metaflow", credentials };
}

/** A container's env as name -> value, for the plain values; `secret:<key>` for those read from a Secret. */
export function envOf(container: { env: any[] }): Record<string, string> {
  return Object.fromEntries(container.env.map((e) => [e.name, e.value ?? `secret:${e.value_from.secret_key_ref.key}`]));
}

/** A metadata-service image tag no pin uses, so a test sees its own value. */
export const METADATA_IMAGE = "public.ecr.aws/outerbounds/metaflow_metadata_service:v9.9.9";

/** What every construct running the metadata-service image takes: its namespace, the image and the database. */
export function metadataServiceProps(stack: TerraformStack) {
  return { namespace: { name: "metaflow" }, image: METADATA_IMAGE, db: metaflowDb(stack) };
}

/** The database settings a container gets from metaflowDb's connection (envOf shows Secret references as secret:<key>). */
export const METAFLOW_DB_ENV = {
  MF_METADATA_DB_HOST: "10.9.0.3",
  MF_METADATA_DB_PORT: "5432",
  MF_METADATA_DB_NAME: "metaflow",
  MF_METADATA_DB_USER: "secret:username",
  MF_METADATA_DB_PSWD: "secret:password",
  MF_METADATA_DB_SSL_MODE: "require",
};
