import { INFRA_OUTPUTS, SENSITIVE_INFRA_OUTPUTS } from "../lib/infra-outputs";
import { resourcesOf, synthDev } from "./helpers";

describe("infra stack", () => {
  const { infraJson, infraSynth } = synthDev();

  test("pins the provider versions of the bindings", () => {
    expect(infraJson.terraform.required_providers).toEqual({
      google: { source: "google", version: "6.50.0" },
      random: { source: "hashicorp/random", version: "3.7.2" },
    });
  });

  test("writes every output the services stack and users read, secrets as sensitive", () => {
    for (const name of Object.values(INFRA_OUTPUTS)) {
      expect(infraJson.output[name]).toBeDefined();
      expect(infraJson.output[name].sensitive === true).toBe(SENSITIVE_INFRA_OUTPUTS.has(name));
    }
    expect(infraJson.output.datastore_root.value).toBe("gs://my-metaflow-project-metaflow-dev/metaflow");
    expect(infraJson.output.metaflow_service_account_key.value).toMatch(/google_service_account_key\.\S+\.private_key/);
  });

  test("drops the key and archive outputs when they are turned off", () => {
    const json = synthDev((e) => ((e.identity = { createKey: false }), (e.services = { argoWorkflowArchive: false }))).infraJson;
    expect(json.output.metaflow_service_account_key).toBeUndefined();
    expect(json.output.argo_db_password).toBeUndefined();
  });

  test("every output that carries a password or key is sensitive", () => {
    for (const [name, output] of Object.entries<any>(infraJson.output)) {
      if (/random_password|private_key/.test(JSON.stringify(output.value))) expect([name, output.sensitive]).toEqual([name, true]);
    }
  });

  test("enables the APIs first", () => {
    const services = Object.values(resourcesOf(infraJson, "google_project_service")).map((s: any) => s.service);
    expect(services).toEqual(expect.arrayContaining(["container.googleapis.com", "sqladmin.googleapis.com", "servicenetworking.googleapis.com"]));
    const cluster: any = Object.values(resourcesOf(infraJson, "google_container_cluster"))[0];
    expect(cluster.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^google_project_service\.apis_container_\w+$/)]));
    const without = synthDev((e) => (e.enableApis = false)).infraJson;
    expect(resourcesOf(without, "google_project_service")).toEqual({});
  });

  test("labels every resource through the provider", () => {
    expect(infraJson.provider.google[0].default_labels).toEqual({ "managed-by": "metaflow-gcp", "metaflow-environment": "dev" });
    const labelled = synthDev((e) => (e.labels = { "cost-center": "ml-platform" })).infraJson;
    expect(labelled.provider.google[0].default_labels["cost-center"]).toBe("ml-platform");
  });

  test("matches the reviewed snapshot", () => {
    expect(infraSynth).toMatchSnapshot();
  });
});

describe("state backend", () => {
  test("is local, in the project root, by default", () => {
    const { infraJson, servicesJson } = synthDev();
    expect(infraJson.terraform.backend).toEqual({ local: { path: "../../../terraform.dev-infra.tfstate" } });
    expect(servicesJson.terraform.backend).toEqual({ local: { path: "../../../terraform.dev-services.tfstate" } });
    expect(servicesJson.data.terraform_remote_state.infra).toMatchObject({ backend: "local", config: { path: "../../../terraform.dev-infra.tfstate" } });
  });

  test("is GCS with a prefix per stack when a state bucket is configured", () => {
    const { infraJson, servicesJson } = synthDev((_e, raw) => (raw.stateBackend = { bucket: "acme-tf-state", prefix: "platform/metaflow" }));
    expect(infraJson.terraform.backend).toEqual({ gcs: { bucket: "acme-tf-state", prefix: "platform/metaflow/dev-infra" } });
    expect(servicesJson.terraform.backend).toEqual({ gcs: { bucket: "acme-tf-state", prefix: "platform/metaflow/dev-services" } });
    expect(servicesJson.data.terraform_remote_state.infra).toMatchObject({
      backend: "gcs",
      config: { bucket: "acme-tf-state", prefix: "platform/metaflow/dev-infra" },
    });
  });
});
