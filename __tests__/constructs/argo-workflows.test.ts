import { Release } from "@cdktf/provider-helm/lib/release";
import { ArgoWorkflows, ArgoWorkflowsProps } from "../../constructs/argo-workflows";
import { DbCredentials } from "../../constructs/db-credentials";
import { PINS } from "../../lib/defaults";
import { bareStack, onlyResource, refTo, resourcesOf, synth } from "./stack";
import * as YAML from "yaml";

const PROPS: Omit<ArgoWorkflowsProps, "archive"> = {
  namespace: { name: "argo" },
  workflowNamespace: { name: "metaflow-jobs" },
  workflowServiceAccount: { name: "metaflow", namespace: "metaflow-jobs" },
  bucketName: "acme-metaflow",
};

function build(props: Partial<ArgoWorkflowsProps> & { withArchive?: boolean } = {}) {
  const stack = bareStack("kubernetes", "helm");
  const { withArchive, ...rest } = props;
  const archive = withArchive
    ? {
        host: "10.9.0.3",
        database: "argo",
        credentials: new DbCredentials(stack, "argo-db", {
          namespace: { name: "argo" },
          name: "argo-postgres-config",
          username: "argo",
          password: "pw-ref",
        }),
      }
    : undefined;
  const argo = new ArgoWorkflows(stack, "argo-workflows", { ...PROPS, archive, ...rest });
  const { text, json } = synth(stack);
  const release = onlyResource(json, "helm_release");
  const configMap = onlyResource(json, "kubernetes_config_map_v1");
  return { argo, text, json, release, values: JSON.parse(release.values[0]), configMap, config: YAML.parse(configMap.data.config) };
}

describe("ArgoWorkflows", () => {
  const { argo, text, json, release, values, configMap, config } = build();

  test("installs the pinned argoproj chart atomically, with every image on the pinned tag", () => {
    expect(text).toHaveResourceWithProperties(Release, {
      name: "argo-workflows",
      repository: PINS.argoHelmRepository,
      chart: "argo-workflows",
      version: PINS.argoWorkflows.chartVersion,
      namespace: "argo",
      atomic: true,
      cleanup_on_fail: true,
    });
    const tag = PINS.argoWorkflows.imageTag;
    expect(values.images.tag).toBe(tag);
    for (const image of [values.controller.image, values.executor.image, values.server.image])
      expect(image).toMatchObject({ registry: "quay.io", tag });
  });

  test("the values Helm gets are the values the construct exposes", () => {
    expect(values).toEqual(JSON.parse(JSON.stringify(argo.values)));
  });

  test("the server: client auth by default, plain HTTP behind ClusterIP, its KSA named and annotated as given", () => {
    expect(values.server).toMatchObject({
      authModes: ["client"],
      secure: false,
      serviceType: "ClusterIP",
      serviceAccount: { create: true, name: "argo-server", annotations: {} },
    });
    expect([argo.serverServiceName, argo.serverPort]).toEqual(["argo-workflows-server", 2746]);
  });

  test("the controller's ConfigMap is this stack's, in the Argo namespace, and the chart is told its name", () => {
    expect(configMap.metadata).toMatchObject({ name: "argo-workflows-workflow-controller-configmap", namespace: "argo" });
    expect(values.controller.configMap).toEqual({ create: false, name: configMap.metadata.name });
    expect(argo.controllerConfigMapName).toBe(configMap.metadata.name);
    expect(config).toEqual(JSON.parse(JSON.stringify(argo.controllerConfig)));
    // The chart reads the ConfigMap at start: it is created first.
    expect(release.depends_on).toContain(`kubernetes_config_map_v1.${Object.keys(resourcesOf(json, "kubernetes_config_map_v1"))[0]}`);
  });

  test("the artifact repository is the bucket, reached through Workload Identity with no key", () => {
    expect(config.artifactRepository).toEqual({
      gcs: { bucket: "acme-metaflow", keyFormat: "argo-artifacts/{{workflow.name}}/{{pod.name}}" },
    });
    expect(values.artifactRepository).toBeUndefined();
    expect(configMap.data.config + JSON.stringify(values)).not.toMatch(/KeySecret|serviceAccountKey|private_key/);
  });

  test("no workflow archive by default", () => {
    expect(values.controller.persistence).toEqual({});
    expect(config.persistence).toBeUndefined();
  });

  test("the chart creates no workflow KSA or RBAC of its own; the executor Role in the jobs namespace binds the workflow KSA only", () => {
    expect(values.workflow).toEqual({ serviceAccount: { create: false }, rbac: { create: false } });
    const role = onlyResource(json, "kubernetes_role_v1");
    expect(role.metadata).toMatchObject({ name: "argo-workflow-executor", namespace: "metaflow-jobs" });
    expect(role.rule).toEqual([{ api_groups: ["argoproj.io"], resources: ["workflowtaskresults"], verbs: ["create", "patch"] }]);
    expect(onlyResource(json, "kubernetes_role_binding_v1").subject).toEqual([
      { kind: "ServiceAccount", name: "metaflow", namespace: "metaflow-jobs" },
    ]);
  });

  test("with an archive: its own database over TLS, the login from the Secret by reference", () => {
    const { json, values, config } = build({ withArchive: true });
    const secret = refTo(json, "kubernetes_secret_v1", "metadata[0].name");
    // In the controller's config, and in the chart values, whose ClusterRoles grant reading that Secret.
    expect(config.persistence).toEqual(values.controller.persistence);
    expect(values.controller.persistence).toEqual({
      archive: true,
      nodeStatusOffLoad: false,
      postgresql: {
        host: "10.9.0.3",
        port: 5432,
        database: "argo",
        tableName: "argo_workflows",
        userNameSecret: { name: secret, key: "username" },
        passwordSecret: { name: secret, key: "password" },
        ssl: true,
        sslMode: "require",
      },
    });
  });

  test("takes another chart, tag, auth modes, server KSA and dependencies", () => {
    const { release, values } = build({
      repository: "https://charts.example.com",
      chartVersion: "0.47.6",
      imageTag: "v3.7.12",
      authModes: ["sso"],
      serverServiceAccountName: "server",
      serverServiceAccountAnnotations: { "iam.gke.io/gcp-service-account": "gsa@p.iam.gserviceaccount.com" },
      dependsOn: [{ fqn: "kubernetes_namespace_v1.argo" }],
    });
    expect(release).toMatchObject({ repository: "https://charts.example.com", version: "0.47.6" });
    expect(release.depends_on[0]).toBe("kubernetes_namespace_v1.argo");
    expect(values.controller.image.tag).toBe("v3.7.12");
    expect(values.server.authModes).toEqual(["sso"]);
    expect(values.server.serviceAccount).toEqual({
      create: true,
      name: "server",
      annotations: { "iam.gke.io/gcp-service-account": "gsa@p.iam.gserviceaccount.com" },
    });
  });

  test("one release and no other Helm or manifest resource", () => {
    expect(Object.keys(resourcesOf(json, "helm_release"))).toHaveLength(1);
    expect(json.resource.kubernetes_manifest).toBeUndefined();
    expect(release.values).toHaveLength(1);
  });
});
