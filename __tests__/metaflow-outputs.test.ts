// The METAFLOW_* outputs, metaflow_config and END_USER_SETUP, the infra -> services order, and the golden file.
import { App } from "cdktf";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { addEnvironments } from "../stacks/app";
import { parseConfig } from "../config";
import { METAFLOW_KEYS, METAFLOW_OUTPUT_KEYS } from "../lib/metaflow-outputs";
import { metaflowClientRequirements } from "../lib/metaflow-client";
import { devConfig, resourcesOf, synthDev } from "./helpers";

const dev = synthDev();
const json = dev.servicesJson;
const outputs: Record<string, any> = json.output;

test("the outputs are exactly the METAFLOW_* keys, metaflow_config and END_USER_SETUP", () => {
  expect(Object.keys(outputs).sort()).toEqual([...METAFLOW_OUTPUT_KEYS, "END_USER_SETUP", "metaflow_config"].sort());
  // Every key of the table but the UI links, which config.json alone carries.
  expect(METAFLOW_OUTPUT_KEYS).toEqual(
    Object.keys(METAFLOW_KEYS).filter((k) => !["METAFLOW_UI_URL", "METAFLOW_ARGO_WORKFLOWS_UI_URL"].includes(k)),
  );
});

test("the outputs hold the values Metaflow needs", () => {
  const value = (k: string) => outputs[k].value;
  expect(value("METAFLOW_DEFAULT_DATASTORE")).toBe("gs");
  expect(value("METAFLOW_DEFAULT_METADATA")).toBe("service");
  expect(value("METAFLOW_DATASTORE_SYSROOT_GS")).toBe("${data.terraform_remote_state.infra.outputs.datastore_root}");
  expect(value("METAFLOW_SERVICE_URL")).toBe("http://localhost:8080");
  expect(value("METAFLOW_SERVICE_INTERNAL_URL")).toBe("http://metadata-service.metaflow.svc.cluster.local:8080");
  expect(value("METAFLOW_KUBERNETES_NAMESPACE")).toBe("metaflow-jobs");
  expect(value("METAFLOW_KUBERNETES_SERVICE_ACCOUNT")).toBe("metaflow");
  expect(value("METAFLOW_ARGO_EVENTS_EVENT_BUS")).toBe("default");
  expect(value("METAFLOW_ARGO_EVENTS_EVENT_SOURCE")).toBe("argo-events-webhook");
  expect(value("METAFLOW_ARGO_EVENTS_EVENT")).toBe("metaflow-event");
  expect(value("METAFLOW_ARGO_EVENTS_WEBHOOK_URL")).toBe("http://localhost:12000/metaflow-event");
  expect(value("METAFLOW_ARGO_EVENTS_INTERNAL_WEBHOOK_URL")).toBe(
    "http://argo-events-webhook-eventsource-svc.metaflow-events.svc.cluster.local:12000/metaflow-event",
  );
  expect(value("METAFLOW_ARGO_EVENTS_SERVICE_ACCOUNT")).toBe("operate-workflow-sa");
  expect(value("METAFLOW_ARGO_EVENTS_SENSOR_NAMESPACE")).toBe("metaflow-events");
  expect(value("METAFLOW_ARGO_WORKFLOWS_USE_SCHEDULES")).toBe("true");
  expect(value("METAFLOW_DEFAULT_SECRETS_BACKEND_TYPE")).toBe("gcp-secret-manager");
  expect(value("METAFLOW_GCP_SECRET_MANAGER_PREFIX")).toBe("${data.terraform_remote_state.infra.outputs.secret_manager_prefix}");
  // The infra stack builds the prefix from the project's number and the environment's secret id prefix.
  expect(dev.infraJson.output.secret_manager_prefix.value).toBe("projects/${data.google_project.project.number}/secrets/metaflow-dev-");
});

test("the internal URLs point at Services of this stack, on their ports", () => {
  const svcs = Object.values<any>(resourcesOf(json, "kubernetes_service_v1"));
  const url = new URL(outputs.METAFLOW_SERVICE_INTERNAL_URL.value);
  const [name, namespace] = url.hostname.split(".");
  const svc = svcs.find((s) => s.metadata.name === name && s.metadata.namespace === namespace);
  expect(svc.spec.port[0].port).toBe(Number(url.port));
});

test("the jobs namespace and service account have Workload Identity; the sensors' namespace holds the EventBus", () => {
  const ns = outputs.METAFLOW_KUBERNETES_NAMESPACE.value;
  const members = Object.values<any>(resourcesOf(json, "google_service_account_iam_member")).map((g) => g.member);
  expect(members.some((m) => m.endsWith(`[${ns}/${outputs.METAFLOW_KUBERNETES_SERVICE_ACCOUNT.value}]`))).toBe(true);
  const eventsValues = JSON.parse(
    Object.values<any>(resourcesOf(json, "helm_release")).find((r) => r.name === "metaflow-argo-events").values[0],
  );
  expect(eventsValues.namespace).toBe("metaflow-events");
  expect(outputs.METAFLOW_ARGO_EVENTS_SENSOR_NAMESPACE.value).toBe(eventsValues.namespace);
  expect(eventsValues.namespace).not.toBe(ns);
});

test("metaflow_config is one JSON object of the table's Metaflow keys, agreeing with the individual outputs, with no secret", () => {
  const config = JSON.parse(JSON.stringify(outputs.metaflow_config.value));
  expect(Object.keys(config).sort()).toEqual(Object.keys(METAFLOW_KEYS).sort());
  for (const key of METAFLOW_OUTPUT_KEYS) expect(config[key]).toBe(outputs[key].value);
  expect(config.METAFLOW_UI_URL).toBe("http://localhost:8083");
  expect(config.METAFLOW_ARGO_WORKFLOWS_UI_URL).toBe("http://localhost:2746");
  expect(JSON.stringify(config)).not.toMatch(/password|_key\b|private|PSWD/i);
  for (const o of Object.values(outputs)) expect(o.sensitive).toBeUndefined();
});

describe("END_USER_SETUP", () => {
  const text: string = outputs.END_USER_SETUP.value;

  test("signs in for the cluster and, through Application Default Credentials, for the datastore", () => {
    // Metaflow's GCS client authenticates with google.auth.default() (see the metaflow contract test).
    expect(text).toContain("gcloud auth login");
    expect(text).toContain("gcloud auth application-default login");
  });

  test("names who may run flows, and the tools for a gcloud from components or from a package manager", () => {
    expect(text).toContain("No flow runner is configured yet: ask the platform team to add you (or your group) to identity.flowRunners");
    const runners = synthDev((e) => (e.identity = { flowRunners: ["group:ml@acme.com", "user:ann@acme.com"] })).servicesJson.output
      .END_USER_SETUP.value;
    expect(runners).toContain("You must be one of the flow runners (group:ml@acme.com, user:ann@acme.com), directly or through a group:");
    expect(text).toContain("gcloud components install gke-gcloud-auth-plugin kubectl");
    expect(text).toContain("install the packages google-cloud-cli-gke-gcloud-auth-plugin and kubectl");
  });

  test("checks that each port-forward reaches its service, and says what a taken local port does", () => {
    expect(text).toContain("curl -fsS http://localhost:8080/ping && echo && curl -fsS http://localhost:8083/ping");
    expect(text).toMatch(/A local port another program holds makes its port-forward fail/);
  });

  test("says where the Argo UI takes the bearer token", () => {
    expect(text).toContain("paste what `echo Bearer $(gcloud auth print-access-token)`");
    expect(text).toContain("into the client authentication box");
  });

  test("is keyless by default: CI uses its own identity, or impersonates the service account once someone may", () => {
    expect(text).not.toContain("metaflow_service_account_key");
    expect(text).toContain("keyless: a service account listed in identity.flowRunners");
    expect(text).toContain("list its identity in identity.impersonators");
    expect(text).not.toContain("--impersonate-service-account");
    const impersonated = synthDev((e) => (e.identity = { impersonators: ["serviceAccount:ci@acme-ops.iam.gserviceaccount.com"] }))
      .servicesJson.output.END_USER_SETUP.value;
    const sa = "${data.terraform_remote_state.infra.outputs.metaflow_service_account_email}";
    expect(impersonated).toContain(`gcloud config set auth/impersonate_service_account ${sa}`);
    expect(impersonated).toContain(`gcloud auth application-default login --impersonate-service-account ${sa}`);
    expect(impersonated).toContain(`create-cred-config ... --service-account ${sa}`);
    expect(impersonated).not.toContain("list its identity in identity.impersonators");
  });

  test("with the opt-in key, the CI alternative writes it to a private file and points ADC at it", () => {
    const keyed = synthDev((e) => (e.identity = { createKey: true })).servicesJson.output.END_USER_SETUP.value;
    expect(keyed).toContain("output -raw metaflow_service_account_key | base64 -d > ~/.config/metaflow-gcp/key.json && chmod 600");
    expect(keyed).toContain("export GOOGLE_APPLICATION_CREDENTIALS=~/.config/metaflow-gcp/key.json");
  });

  test("gets credentials for this environment's cluster through its DNS endpoint", () => {
    expect(text).toContain(
      "gcloud container clusters get-credentials ${data.terraform_remote_state.infra.outputs.cluster_name}" +
        " --location ${data.terraform_remote_state.infra.outputs.cluster_location}" +
        " --project ${data.terraform_remote_state.infra.outputs.project_id} --dns-endpoint",
    );
    const ip = synthDev((e) => (e.cluster = { controlPlaneEndpoint: "ip" })).servicesJson.output.END_USER_SETUP.value;
    expect(ip).toMatch(/--project \S+\n/);
  });

  test("writes config.json and installs the tested client from the ConfigMap, with no Terraform state", () => {
    const cm = Object.values<any>(resourcesOf(json, "kubernetes_config_map_v1")).find((c) => c.metadata.name === "metaflow-config");
    expect(cm.metadata).toMatchObject({ name: "metaflow-config", namespace: "metaflow-jobs" });
    expect(text).toContain(
      "mkdir -p ~/.metaflowconfig && kubectl -n metaflow-jobs get configmap metaflow-config -o jsonpath='{.data.config\\.json}' > ~/.metaflowconfig/config.json",
    );
    expect(text).toContain(
      "jsonpath='{.data.requirements\\.txt}' > /tmp/metaflow-requirements.txt && pip install -r /tmp/metaflow-requirements.txt",
    );
    // The ConfigMap holds the same object as the output, encoded by Terraform (some values come from the infra state).
    const encoded: string = cm.data["config.json"];
    expect(encoded).toMatch(/^\$\{jsonencode\(\{.*\}\)\}$/);
    for (const [key, value] of Object.entries<string>(outputs.metaflow_config.value)) {
      const ref = /^\$\{(.+)\}$/.exec(value);
      expect(encoded).toContain(`"${key}" = ${ref ? ref[1] : JSON.stringify(value)}`);
    }
    expect(encoded.match(/" = /g)).toHaveLength(Object.keys(outputs.metaflow_config.value).length);
    expect(cm.data["requirements.txt"]).toBe(metaflowClientRequirements());
    // The Terraform output stays, for those who have the state.
    expect(text).toContain("terraform -chdir=cdktf.out/stacks/dev-services output -json metaflow_config");
  });

  const forwards = [...text.matchAll(/kubectl -n (\S+) port-forward svc\/(\S+) (\d+):(\d+)/g)].map((m) => ({
    namespace: m[1],
    service: m[2],
    local: Number(m[3]),
    remote: Number(m[4]),
  }));

  test("forwards the four ports, each to a Service", () => {
    expect(forwards.map((f) => f.local)).toEqual([8080, 8083, 2746, 12000]);
    for (const f of forwards) expect(f.local).toBe(f.remote);
  });

  test("each forward of a Service of this stack targets its port and the Deployment behind it", () => {
    const svcs = Object.values<any>(resourcesOf(json, "kubernetes_service_v1"));
    const expected: Record<number, string> = {
      8080: "metadata-service",
      8083: "metaflow-ui-backend-service",
    };
    for (const [port, name] of Object.entries(expected)) {
      const f = forwards.find((x) => x.local === Number(port))!;
      expect(f.service).toBe(name);
      const svc = svcs.find((s) => s.metadata.name === f.service && s.metadata.namespace === f.namespace);
      expect(svc.spec.port[0].port).toBe(Number(port));
    }
  });

  test("the Argo forwards target the Services the charts and the controller create", () => {
    expect(forwards.find((f) => f.local === 2746)).toEqual({
      namespace: "argo",
      service: "argo-workflows-server",
      local: 2746,
      remote: 2746,
    });
    expect(forwards.find((f) => f.local === 12000)).toEqual({
      namespace: "metaflow-events",
      service: "argo-events-webhook-eventsource-svc",
      local: 12000,
      remote: 12000,
    });
  });
});

test("README's copy of END_USER_SETUP is the dev environment's, with the infra outputs filled in", () => {
  const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
  const copy = /<!-- END_USER_SETUP dev -->\n```text\n([\s\S]*?)\n```\n<!-- \/END_USER_SETUP -->/.exec(readme);
  expect(copy).not.toBeNull();
  const filled = String(outputs.END_USER_SETUP.value)
    .replaceAll("${data.terraform_remote_state.infra.outputs.cluster_name}", "metaflow-dev")
    .replaceAll("${data.terraform_remote_state.infra.outputs.cluster_location}", "us-central1-a")
    .replaceAll("${data.terraform_remote_state.infra.outputs.project_id}", "my-metaflow-project")
    .replaceAll("${data.terraform_remote_state.infra.outputs.region}", "us-central1")
    .replaceAll(
      "${data.terraform_remote_state.infra.outputs.flow_image_repository}",
      "us-central1-docker.pkg.dev/my-metaflow-project/metaflow-dev-images",
    );
  expect(copy![1]).toBe(filled);
});

test("manifest.json records that the services stack depends on the infra stack", () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "metaflow-gcp-manifest-"));
  try {
    const app = new App({ outdir });
    addEnvironments(app, parseConfig(devConfig()));
    app.synth();
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
    expect(manifest.stacks["dev-services"].dependencies).toEqual(["dev-infra"]);
    expect(manifest.stacks["dev-infra"].dependencies).toEqual([]);
    // The local chart is copied next to the stack, where the release's relative path points.
    const chart = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "dev-services", "cdk.tf.json"), "utf8")).resource.helm_release[
      "argo-events_resources_4DBBCD80"
    ].chart;
    expect(fs.existsSync(path.join(outdir, "stacks", "dev-services", chart, "Chart.yaml"))).toBe(true);
    expect(fs.existsSync(path.join(outdir, "stacks", "dev-services", chart, "templates", "eventbus.yaml"))).toBe(true);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});

test("the services stack matches its golden file", () => {
  expect(dev.servicesSynth).toMatchSnapshot();
});

test("END_USER_SETUP shows a multi-node step when the JobSet controller runs, and not otherwise", () => {
  const line = "self.next(self.train, num_parallel=2)";
  expect(dev.servicesJson.output.END_USER_SETUP.value).toContain(line);
  const off = synthDev((e) => (e.services = { jobset: { enabled: false } })).servicesJson;
  expect(off.output.END_USER_SETUP.value).not.toContain(line);
});
