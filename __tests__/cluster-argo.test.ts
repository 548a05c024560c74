// The cluster test (scripts/cluster/) runs the Argo releases the services stack deploys, as the charts would run them
// from the values the stack passes (scripts/cluster/argo_chart.py, offline here on the synthesized values).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PINS } from "../lib/defaults";
import { controllerConfig, helmRelease, synthDev } from "./helpers";

const CLUSTER = path.join(__dirname, "..", "scripts", "cluster");
const common = fs.readFileSync(path.join(CLUSTER, "common.sh"), "utf8");
const pinned = (name: string) => new RegExp(`^${name}=(\\S+)$`, "m").exec(common)?.[1];

test("the Argo Workflows and Argo Events binaries the cluster test builds are the releases the stack deploys", () => {
  expect(pinned("ARGO_WORKFLOWS_VERSION")).toBe(PINS.argoWorkflows.imageTag);
  expect(pinned("ARGO_EVENTS_VERSION")).toBe(PINS.argoEvents.imageTag);
});

test("the JobSet controller the cluster test builds is the release whose image the stack deploys", () => {
  expect(`registry.k8s.io/jobset/jobset:${pinned("JOBSET_VERSION")}`).toBe(PINS.jobset.image);
});

describe("argo_chart.py on the dev stack's chart values", () => {
  const json = synthDev().servicesJson;
  const release = (name: string) => {
    const r = helmRelease(json, name);
    return { namespace: r.namespace, values: r.values[0] };
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "argo-chart-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, "values.json");
  fs.writeFileSync(file, JSON.stringify({ "argo-workflows": release("argo-workflows"), "argo-events": release("argo-events") }));
  const run = (what: string) => {
    const r = spawnSync("python3", [path.join(CLUSTER, "argo_chart.py"), file, what], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    return r.stdout.trim();
  };

  test("the controller and the server read the ConfigMap the stack owns", () => {
    expect(run("configmap")).toBe("argo-workflows-workflow-controller-configmap");
    expect(controllerConfig(json)).toBeDefined();
    expect(run("workflow-controller").split("\n")).toEqual(
      expect.arrayContaining(["--configmap", "argo-workflows-workflow-controller-configmap"]),
    );
    expect(run("argo-server").split("\n")).toEqual(
      expect.arrayContaining([
        "server",
        "--configmap=argo-workflows-workflow-controller-configmap",
        "--auth-mode=client",
        "--secure=false",
      ]),
    );
  });

  test("the executor image is the pinned argoexec behind the registry the values name", () => {
    expect(run("executor-image")).toBe(
      `\${data.terraform_remote_state.infra.outputs.image_cache_quay}/argoproj/argoexec:${PINS.argoWorkflows.imageTag}`,
    );
  });

  test("the Argo Events controller config lists the pinned NATS Streaming and JetStream versions", () => {
    const config = JSON.parse(run("events-config"));
    expect(config.eventBus.nats.versions.map((v: any) => v.version)).toEqual([PINS.stan.version]);
    expect(config.eventBus.jetstream.versions.map((v: any) => v.version)).toContain(PINS.argoEvents.jetstreamVersion);
    expect(config.eventBus.jetstream.streamConfig).toContain("replicas: 3");
    expect(run("events-env").split("\n")).toEqual([
      `ARGO_EVENTS_IMAGE=\${data.terraform_remote_state.infra.outputs.image_cache_quay}/argoproj/argo-events:${PINS.argoEvents.imageTag}`,
      "NAMESPACE=argo",
    ]);
  });
});
