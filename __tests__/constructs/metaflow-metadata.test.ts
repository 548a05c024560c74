import { MetaflowMetadata, MetaflowMetadataProps } from "../../constructs/metaflow-metadata";
import { bareStack, envOf, METAFLOW_DB_ENV, metadataServiceProps, METADATA_IMAGE, onlyResource, synth } from "./stack";

function build(props: Partial<MetaflowMetadataProps> = {}) {
  const stack = bareStack("kubernetes");
  const metadata = new MetaflowMetadata(stack, "metadata", { ...metadataServiceProps(stack), ...props });
  return { metadata, ...synth(stack) };
}

describe("MetaflowMetadata", () => {
  const { metadata, json } = build();
  const deployment = onlyResource(json, "kubernetes_deployment_v1");
  const [container] = deployment.spec.template.spec.container;

  test("serves the metadata service from the given image on 8080, probed on /ping", () => {
    expect(deployment.metadata).toMatchObject({
      name: "metadata-service",
      namespace: "metaflow",
      labels: { "app.kubernetes.io/component": "metadata" },
    });
    expect(container).toMatchObject({
      name: "metadata-service",
      image: METADATA_IMAGE,
      command: ["/opt/latest/bin/python3", "-m", "services.metadata_service.server"],
      working_dir: "/tmp",
      port: [{ name: "http", container_port: 8080, protocol: "TCP" }],
      readiness_probe: { http_get: { path: "/ping", port: "http" } },
    });
    expect(onlyResource(json, "kubernetes_service_v1").spec.port).toEqual([
      { name: "http", port: 8080, target_port: "http", protocol: "TCP" },
    ]);
  });

  test("connects straight to the database over TLS, the login from the Secret", () => {
    expect(envOf(container)).toMatchObject({
      ...METAFLOW_DB_ENV,
      MF_METADATA_PORT: "8080",
    });
    // No Cloud SQL Auth Proxy sidecar and no migrating init container (DbMigrations runs them, once).
    expect(deployment.spec.template.spec.container).toHaveLength(1);
    expect(deployment.spec.template.spec.init_container).toBeUndefined();
  });

  test("runs unprivileged on a read-only root, writing only to a bounded /tmp, with no KSA of its own (it never calls GCS)", () => {
    expect(container.security_context).toEqual({
      allow_privilege_escalation: false,
      privileged: false,
      read_only_root_filesystem: true,
      run_as_non_root: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(container.volume_mount).toEqual([{ name: "tmp", mount_path: "/tmp" }]);
    expect(deployment.spec.template.spec.volume).toEqual([{ name: "tmp", empty_dir: { size_limit: "256Mi" } }]);
    expect(deployment.spec.template.spec.service_account_name).toBeUndefined();
    expect(container.resources).toEqual({ requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } });
  });

  test("exposes its in-cluster URL for the UI backend and the client config", () => {
    expect(metadata.internalUrl).toBe("http://metadata-service.metaflow.svc.cluster.local:8080");
    expect([metadata.serviceName, metadata.port]).toEqual(["metadata-service", 8080]);
  });

  test("takes replicas and waits for what it is given (the migrations Job)", () => {
    const { json } = build({ replicas: 2, dependsOn: [{ fqn: "kubernetes_job_v1.migrations" }] });
    const d = onlyResource(json, "kubernetes_deployment_v1");
    expect(d.spec.replicas).toBe("2");
    expect(d.depends_on).toEqual(["kubernetes_job_v1.migrations"]);
    expect(Object.keys(json.resource.kubernetes_pod_disruption_budget_v1)).toHaveLength(1);
  });
});
