import { Release } from "@cdktf/provider-helm/lib/release";
import { JobSet, JobSetProps } from "../../constructs/jobset";
import { PINS } from "../../lib/defaults";
import { bareStack, resourcesOf, synth } from "./stack";

function build(props: Partial<JobSetProps> = {}) {
  const stack = bareStack("kubernetes", "helm");
  new JobSet(stack, "jobset", {
    namespace: { name: "jobset-system" },
    jobsNamespace: { name: "metaflow-jobs" },
    runnerServiceAccount: { name: "metaflow", namespace: "metaflow-jobs" },
    ...props,
  });
  const { text, json } = synth(stack);
  const release = Object.values<any>(resourcesOf(json, "helm_release"))[0];
  return { text, json, values: JSON.parse(release.values[0]) };
}

describe("JobSet", () => {
  const { text, json, values } = build();

  test("installs the pinned chart from the OCI registry in its own namespace, rolled back on failure", () => {
    expect(text).toHaveResourceWithProperties(Release, {
      name: "jobset",
      repository: PINS.jobset.repository,
      chart: "jobset",
      version: PINS.jobset.chartVersion,
      namespace: "jobset-system",
      atomic: true,
    });
  });

  test("runs the release image by its tag, never the chart's default", () => {
    expect(values.image).toEqual({ repository: "registry.k8s.io/jobset/jobset", tag: "v0.12.0", pullPolicy: "IfNotPresent" });
    expect(build({ image: "registry.example.com/mirror/jobset:v0.12.1" }).values.image).toMatchObject({
      repository: "registry.example.com/mirror/jobset",
      tag: "v0.12.1",
    });
  });

  test("refuses an image the chart cannot take: a digest", () => {
    expect(() => build({ image: `registry.k8s.io/jobset/jobset:v0.12.0@sha256:${"a".repeat(64)}` })).toThrow(/by a tag, not a digest/);
  });

  test("runs the controller unprivileged: non-root, no escalation, no capabilities, read-only root", () => {
    expect(values.controller.podSecurityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65532,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(values.controller.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
  });

  test("lets the runner KSA manage JobSets in the jobs namespace, and nothing else", () => {
    const roles = Object.values<any>(resourcesOf(json, "kubernetes_role_v1"));
    expect(roles).toHaveLength(1);
    expect(roles[0].metadata).toMatchObject({ name: "metaflow-jobsets", namespace: "metaflow-jobs" });
    expect(roles[0].rule).toEqual([
      { api_groups: ["jobset.x-k8s.io"], resources: ["jobsets"], verbs: ["create", "get", "list", "watch", "patch", "delete"] },
    ]);
    const binding = Object.values<any>(resourcesOf(json, "kubernetes_role_binding_v1"))[0];
    expect(binding.subject).toEqual([{ kind: "ServiceAccount", name: "metaflow", namespace: "metaflow-jobs" }]);
  });
});
