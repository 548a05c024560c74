import { JobV1 } from "@cdktf/provider-kubernetes/lib/job-v1";
import { DbMigrations, DbMigrationsProps } from "../../constructs/db-migrations";
import {
  addressOf,
  bareStack,
  envOf,
  METAFLOW_DB_ENV,
  metadataServiceProps,
  METADATA_IMAGE,
  onlyResource,
  refTo,
  resolve,
  synth,
} from "./stack";

function build(props: Partial<DbMigrationsProps> = {}) {
  const stack = bareStack("kubernetes");
  const migrations = new DbMigrations(stack, "db-migrations", { ...metadataServiceProps(stack), ...props });
  return { migrations, ...synth(stack) };
}

describe("DbMigrations", () => {
  const { migrations, text, json } = build();
  const job = onlyResource(json, "kubernetes_job_v1");
  const spec = job.spec.template.spec;
  const [container] = spec.container;

  test("runs run_goose.py from the given image once, as a Job Terraform waits for up to ten minutes", () => {
    expect(text).toHaveResourceWithProperties(JobV1, {
      metadata: expect.objectContaining({ name: "metaflow-db-migrations", namespace: "metaflow" }),
      wait_for_completion: true,
      timeouts: { create: "10m", update: "10m" },
    });
    expect(container).toMatchObject({
      image: METADATA_IMAGE,
      image_pull_policy: "Always",
      command: ["/opt/latest/bin/python3", "/root/run_goose.py"],
    });
    expect(spec.restart_policy).toBe("Never");
    expect(job.spec.backoff_limit).toBe(3);
  });

  test("reaches the database over TLS, the password from the Secret", () => {
    expect(envOf(container)).toMatchObject({
      ...METAFLOW_DB_ENV,
      HOME: "/tmp",
    });
    const pswd = container.env.find((e: any) => e.name === "MF_METADATA_DB_PSWD");
    expect(pswd.value_from.secret_key_ref.name).toBe(refTo(json, "kubernetes_secret_v1", "metadata[0].name"));
  });

  test("the one root step: no API token, no capabilities, no escalation, a read-only root and the default seccomp filter", () => {
    expect(spec.automount_service_account_token).toBe(false);
    expect(spec.security_context).toMatchObject({ run_as_non_root: false, run_as_user: "0", seccomp_profile: { type: "RuntimeDefault" } });
    expect(container.security_context).toEqual({
      allow_privilege_escalation: false,
      privileged: false,
      read_only_root_filesystem: true,
      run_as_non_root: false,
      run_as_user: "0",
      run_as_group: "0",
      capabilities: { drop: ["ALL"] },
    });
    expect(container.resources.limits).toEqual({ cpu: "500m", memory: "256Mi" });
    expect(spec.volume).toEqual([{ name: "tmp", empty_dir: { size_limit: "256Mi" } }]);
  });

  test("exposes the Job, for the Deployments that must wait for it", () => {
    expect(resolve(migrations, migrations.job.fqn)).toBe("${" + addressOf(json, "kubernetes_job_v1") + "}");
  });

  test("waits for the namespace", () => {
    const namespace = { name: "metaflow", resource: { fqn: "kubernetes_namespace_v1.metaflow" } };
    const job = onlyResource(build({ namespace }).json, "kubernetes_job_v1");
    expect(job.depends_on).toEqual(["kubernetes_namespace_v1.metaflow"]);
  });
});
