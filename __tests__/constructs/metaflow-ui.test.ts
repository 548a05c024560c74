import { MetaflowUi, MetaflowUiProps, uiCacheLimits } from "../../constructs/metaflow-ui";
import { DEFAULTS } from "../../lib/defaults";
import { bareStack, envOf, metaflowDb, resourcesOf, synth } from "./stack";

function build(props: Partial<MetaflowUiProps> = {}) {
  const stack = bareStack("kubernetes");
  const ui = new MetaflowUi(stack, "ui", {
    namespace: { name: "metaflow" },
    backendImage: "public.ecr.aws/outerbounds/metaflow_metadata_service:v9.9.9",
    staticImage: "public.ecr.aws/outerbounds/metaflow_ui:v9.9.9",
    db: metaflowDb(stack),
    metadataServiceUrl: "http://metadata-service.metaflow.svc.cluster.local:8080",
    datastoreRoot: "gs://acme-metaflow/metaflow",
    backendServiceAccountName: "metaflow-ui",
    backendPublicUrl: "https://ui.example.com/api",
    uiPublicUrl: "https://ui.example.com",
    ...props,
  });
  const { json } = synth(stack);
  const deployment = (name: string) =>
    Object.values<any>(resourcesOf(json, "kubernetes_deployment_v1")).find((d) => d.metadata.name === name);
  return { ui, json, backend: deployment("metaflow-ui-backend-service"), frontend: deployment("metaflow-ui-static-service") };
}

describe("MetaflowUi", () => {
  const { ui, json, backend, frontend } = build();
  const backendContainer = backend.spec.template.spec.container[0];
  const frontendContainer = frontend.spec.template.spec.container[0];

  test("two Deployments and two Services: the backend on 8083 (probed on /api/ping), the static UI on 3000", () => {
    const services = Object.values<any>(resourcesOf(json, "kubernetes_service_v1")).map((s) => [s.metadata.name, s.spec.port[0].port]);
    expect(services.sort()).toEqual([
      ["metaflow-ui-backend-service", 8083],
      ["metaflow-ui-static-service", 3000],
    ]);
    expect(backendContainer.readiness_probe.http_get.path).toBe("/api/ping");
    expect(frontendContainer.readiness_probe.http_get.path).toBe("/");
    expect([ui.backend.port, ui.frontend.port]).toEqual([8083, 3000]);
  });

  test("the backend reads the bucket as its own KSA, talks to the metadata service and accepts calls from the UI's origin only", () => {
    expect(backend.spec.template.spec.service_account_name).toBe("metaflow-ui");
    expect(envOf(backendContainer)).toMatchObject({
      METAFLOW_DEFAULT_DATASTORE: "gs",
      METAFLOW_DATASTORE_SYSROOT_GS: "gs://acme-metaflow/metaflow",
      METAFLOW_SERVICE_URL: "http://metadata-service.metaflow.svc.cluster.local:8080",
      METAFLOW_DEFAULT_METADATA: "service",
      ORIGIN_TO_ALLOW_CORS_FROM: "https://ui.example.com",
      PATH_PREFIX: "/api",
      UI_ENABLED: "0",
      MF_METADATA_DB_HOST: "10.9.0.3",
      MF_METADATA_DB_PSWD: "secret:password",
      MF_METADATA_DB_SSL_MODE: "require",
    });
  });

  test("the static UI gets the backend's URL as the browser reaches it, and runs as the nginx user", () => {
    expect(envOf(frontendContainer)).toEqual({ PORT: "3000", METAFLOW_SERVICE: "https://ui.example.com/api" });
    expect(frontend.spec.template.spec.security_context).toMatchObject({ run_as_user: "101", run_as_non_root: true });
    expect(frontend.spec.template.spec.service_account_name).toBeUndefined();
    // nginx writes only to its scratch volumes.
    expect(frontendContainer.volume_mount.map((m: any) => m.mount_path).sort()).toEqual([
      "/etc/nginx/conf.d",
      "/run",
      "/tmp",
      "/var/cache/nginx",
    ]);
  });

  test("both run unprivileged on read-only root filesystems with no API token", () => {
    for (const d of [backend, frontend]) {
      expect(d.spec.template.spec.automount_service_account_token).toBe(false);
      expect(d.spec.template.spec.container[0].security_context).toMatchObject({
        read_only_root_filesystem: true,
        allow_privilege_escalation: false,
        capabilities: { drop: ["ALL"] },
      });
    }
  });

  test("the backend's caches fit its scratch volume of the default size", () => {
    const gi = DEFAULTS.services.uiCacheSizeGi;
    expect(backend.spec.template.spec.volume).toEqual([{ name: "tmp", empty_dir: { size_limit: `${gi}Gi` } }]);
    const limits = uiCacheLimits(gi);
    const env = envOf(backendContainer);
    for (const [name, bytes] of Object.entries(limits)) expect(env[name]).toBe(String(bytes));
    const total = Object.values(limits).reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(gi * 1024 ** 3 * 0.75);
    expect(total).toBeGreaterThan(gi * 1024 ** 3 * 0.74);
    // Upstream's proportions: artifacts 1/2, DAGs 1/4, logs 1/5.
    expect(limits.CACHE_ARTIFACT_STORAGE_LIMIT / limits.CACHE_LOG_STORAGE_LIMIT).toBeCloseTo(2.5, 5);
  });

  test("takes a cache volume size and replicas", () => {
    const { backend, frontend, json } = build({ cacheVolumeGi: 20, replicas: 2, dependsOn: [{ fqn: "kubernetes_job_v1.migrations" }] });
    expect(backend.spec.template.spec.volume[0].empty_dir.size_limit).toBe("20Gi");
    expect(envOf(backend.spec.template.spec.container[0]).CACHE_ARTIFACT_STORAGE_LIMIT).toBe(
      String(uiCacheLimits(20).CACHE_ARTIFACT_STORAGE_LIMIT),
    );
    for (const d of [backend, frontend]) {
      expect(d.spec.replicas).toBe("2");
      expect(d.depends_on).toEqual(["kubernetes_job_v1.migrations"]);
    }
    expect(Object.keys(resourcesOf(json, "kubernetes_pod_disruption_budget_v1"))).toHaveLength(2);
  });
});
