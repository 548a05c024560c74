import { MetaflowUi, MetaflowUiProps, UI_BUNDLE_IN_IMAGE, UI_BUNDLE_SERVED_FROM, uiCacheLimits } from "../../constructs/metaflow-ui";
import { DEFAULTS } from "../../lib/defaults";
import { bareStack, envOf, metaflowDb, resourcesOf, synth } from "./stack";

const IMAGE = "netflixoss/metaflow_metadata_service:v9.9.9";

function build(props: Partial<MetaflowUiProps> = {}) {
  const stack = bareStack("kubernetes");
  const ui = new MetaflowUi(stack, "ui", {
    namespace: { name: "metaflow" },
    image: IMAGE,
    db: metaflowDb(stack),
    metadataServiceUrl: "http://metadata-service.metaflow.svc.cluster.local:8080",
    datastoreRoot: "gs://acme-metaflow/metaflow",
    serviceAccountName: "metaflow-ui",
    publicUrl: "https://ui.example.com",
    ...props,
  });
  const { json } = synth(stack);
  const deployments = Object.values<any>(resourcesOf(json, "kubernetes_deployment_v1"));
  return { ui, json, deployments, backend: deployments[0] };
}

describe("MetaflowUi", () => {
  const { ui, json, deployments, backend } = build();
  const pod = backend.spec.template.spec;
  const container = pod.container[0];
  const init = pod.init_container[0];

  test("one Deployment and one Service: the UI backend on 8083, probed on /ping, serving the UI and its API", () => {
    expect(deployments).toHaveLength(1);
    const services = Object.values<any>(resourcesOf(json, "kubernetes_service_v1")).map((s) => [s.metadata.name, s.spec.port[0].port]);
    expect(services).toEqual([["metaflow-ui-backend-service", 8083]]);
    expect(container.readiness_probe.http_get.path).toBe("/ping");
    expect([ui.service.serviceName, ui.service.port]).toEqual(["metaflow-ui-backend-service", 8083]);
    expect(envOf(container)).toMatchObject({ UI_ENABLED: "1", MF_UI_METADATA_PORT: "8083" });
    // The UI is served at the root and calls its API on its own origin.
    expect(envOf(container).PATH_PREFIX).toBeUndefined();
    expect(envOf(container).METAFLOW_SERVICE).toBeUndefined();
  });

  test("reads the bucket as its own KSA, talks to the metadata service and accepts cross-origin calls from its own origin only", () => {
    expect(pod.service_account_name).toBe("metaflow-ui");
    expect(envOf(container)).toMatchObject({
      METAFLOW_DEFAULT_DATASTORE: "gs",
      METAFLOW_DATASTORE_SYSROOT_GS: "gs://acme-metaflow/metaflow",
      METAFLOW_SERVICE_URL: "http://metadata-service.metaflow.svc.cluster.local:8080",
      METAFLOW_DEFAULT_METADATA: "service",
      ORIGIN_TO_ALLOW_CORS_FROM: "https://ui.example.com",
      MF_METADATA_DB_HOST: "10.9.0.3",
      MF_METADATA_DB_PSWD: "secret:password",
      MF_METADATA_DB_SSL_MODE: "require",
    });
    // An origin has no path: a URL with one still names its origin only.
    const { backend: withPath } = build({ publicUrl: "https://tools.example.com:8443/metaflow" });
    expect(envOf(withPath.spec.template.spec.container[0]).ORIGIN_TO_ALLOW_CORS_FROM).toBe("https://tools.example.com:8443");
  });

  test("an init container of the same image copies the UI bundle to where the server reads it, which the server mounts read-only", () => {
    expect(init.image).toBe(IMAGE);
    expect(init.command).toEqual(["cp", "-R", `${UI_BUNDLE_IN_IMAGE}/.`, "/ui-bundle/"]);
    expect(init.volume_mount).toEqual([{ name: "ui-bundle", mount_path: "/ui-bundle" }]);
    expect(container.volume_mount).toContainEqual({ name: "ui-bundle", mount_path: UI_BUNDLE_SERVED_FROM, read_only: true });
    expect(pod.volume).toContainEqual({ name: "ui-bundle", empty_dir: { size_limit: "256Mi" } });
  });

  test("only the copy runs as root, without capabilities; the server is unprivileged; both on read-only root filesystems", () => {
    expect(init.security_context).toMatchObject({
      run_as_user: "0",
      run_as_non_root: false,
      read_only_root_filesystem: true,
      allow_privilege_escalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(pod.security_context).toMatchObject({ run_as_non_root: true, run_as_user: "1000" });
    expect(container.security_context).toMatchObject({
      run_as_non_root: true,
      read_only_root_filesystem: true,
      allow_privilege_escalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(container.security_context.run_as_user).toBeUndefined();
    expect(pod.automount_service_account_token).toBe(false);
  });

  test("the backend's caches fit its scratch volume of the default size", () => {
    const gi = DEFAULTS.services.uiCacheSizeGi;
    expect(pod.volume).toContainEqual({ name: "tmp", empty_dir: { size_limit: `${gi}Gi` } });
    const limits = uiCacheLimits(gi);
    const env = envOf(container);
    for (const [name, bytes] of Object.entries(limits)) expect(env[name]).toBe(String(bytes));
    const total = Object.values(limits).reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(gi * 1024 ** 3 * 0.75);
    expect(total).toBeGreaterThan(gi * 1024 ** 3 * 0.74);
    // Upstream's proportions: artifacts 1/2, DAGs 1/4, logs 1/5.
    expect(limits.CACHE_ARTIFACT_STORAGE_LIMIT / limits.CACHE_LOG_STORAGE_LIMIT).toBeCloseTo(2.5, 5);
  });

  test("takes a cache volume size and replicas", () => {
    const { backend, json } = build({ cacheVolumeGi: 20, replicas: 2, dependsOn: [{ fqn: "kubernetes_job_v1.migrations" }] });
    expect(backend.spec.template.spec.volume).toContainEqual({ name: "tmp", empty_dir: { size_limit: "20Gi" } });
    expect(envOf(backend.spec.template.spec.container[0]).CACHE_ARTIFACT_STORAGE_LIMIT).toBe(
      String(uiCacheLimits(20).CACHE_ARTIFACT_STORAGE_LIMIT),
    );
    expect(backend.spec.replicas).toBe("2");
    expect(backend.depends_on).toEqual(["kubernetes_job_v1.migrations"]);
    expect(Object.keys(resourcesOf(json, "kubernetes_pod_disruption_budget_v1"))).toHaveLength(1);
  });
});
