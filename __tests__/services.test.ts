// The services stack as a whole: selectors, ports, probes, images, secrets and pod security across every workload.
import { parseImageRef } from "../lib/image-refs";
import { imagePinProblem } from "../config/services";
import { allImages, CACHES, onlyResource, resourcesOf, synthDev, upstreamImage } from "./helpers";

const dev = synthDev();
const json = dev.servicesJson;
const deployments = Object.values<any>(resourcesOf(json, "kubernetes_deployment_v1"));
const services = Object.values<any>(resourcesOf(json, "kubernetes_service_v1"));
const deploymentNamed = (name: string) => deployments.find((d) => d.metadata.name === name);

describe("Services, selectors and ports", () => {
  test("the stack runs the two Metaflow services behind two Services", () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(["metadata-service", "metaflow-ui-backend-service"]);
    expect(services.map((s) => [s.metadata.name, s.spec.port[0].port]).sort()).toEqual([
      ["metadata-service", 8080],
      ["metaflow-ui-backend-service", 8083],
    ]);
  });

  test.each(services.map((s) => [s.metadata.name, s]))("Service %s selects the pods of a Deployment in its namespace", (_, svc: any) => {
    const selector: Record<string, string> = svc.spec.selector;
    expect(Object.keys(selector).length).toBeGreaterThan(0);
    const fronted = deployments.filter(
      (d) =>
        d.metadata.namespace === svc.metadata.namespace &&
        Object.entries(selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v),
    );
    expect(fronted).toHaveLength(1);
    // The Deployment's own selector must match its pods too, or it manages nothing.
    const d = fronted[0];
    for (const [k, v] of Object.entries<string>(d.spec.selector.match_labels)) expect(d.spec.template.metadata.labels[k]).toBe(v);
    // Every Service port targets a port the pods declare, by name or number.
    const ports = d.spec.template.spec.container.flatMap((c: any) => c.port ?? []);
    for (const p of svc.spec.port) {
      const target = p.target_port ?? p.port;
      expect(ports.some((cp: any) => cp.name === target || cp.container_port === Number(target))).toBe(true);
    }
  });

  test.each(deployments.map((d) => [d.metadata.name, d]))("%s: every probe targets a declared container port", (_, d: any) => {
    for (const c of d.spec.template.spec.container) {
      const declared = (c.port ?? []).flatMap((p: any) => [p.name, p.container_port]);
      for (const probe of [c.liveness_probe, c.readiness_probe]) {
        expect(probe).toBeDefined();
        expect(declared).toContain(probe.http_get.port);
      }
    }
  });
});

describe("images", () => {
  const images = allImages(json);

  test("collects the images of the Deployments and of every Helm release", () => {
    const refs = images.map((i) => upstreamImage(i.image));
    expect(refs).toContain("docker.io/netflixoss/metaflow_metadata_service:v2.5.1");
    expect(refs).toContain("quay.io/argoproj/workflow-controller:v3.7.18");
    expect(refs).toContain("quay.io/argoproj/argoexec:v3.7.18");
    expect(refs).toContain("quay.io/argoproj/argocli:v3.7.18");
    expect(refs).toContain("quay.io/argoproj/argo-events:v1.9.11");
    expect(refs).toContain("docker.io/library/nats:2.10.10");
  });

  test.each(images.map((i) => [i.where, i.image]))("%s runs a pinned image (%s)", (_, image) => {
    expect(imagePinProblem(upstreamImage(image as string))).toBeUndefined();
  });

  test("every image of Docker Hub or quay.io comes through the environment's cache of that registry", () => {
    for (const { where, image } of images) {
      // registry.k8s.io (the JobSet controller) has no cache: pulled as written.
      const cached =
        image.startsWith(`${CACHES.dockerHub}/`) || image.startsWith(`${CACHES.quay}/`) || image.startsWith("registry.k8s.io/");
      expect([where, cached]).toEqual([where, true]);
    }
  });

  test("with imageCache off, every image is pulled as written, from its registry", () => {
    const off = allImages(synthDev((e) => (e.imageCache = { enabled: false })).servicesJson).map((i) => i.image);
    expect(off).toContain("netflixoss/metaflow_metadata_service:v2.5.1");
    expect(off).toContain("quay.io/argoproj/argo-events:v1.9.11");
    expect(off).toContain("nats:2.10.10");
    for (const image of off) expect(["docker.io", "quay.io", "registry.k8s.io"]).toContain(parseImageRef(image).host);
  });

  test("an image of another registry is left alone", () => {
    const ghcr = `ghcr.io/acme/metaflow_metadata_service@sha256:${"b".repeat(64)}`;
    const other = allImages(synthDev((e) => (e.services = { images: { metadataService: ghcr } })).servicesJson);
    expect(other.filter((i) => /metaflow_metadata_service/.test(i.image)).map((i) => i.image)).toEqual([ghcr, ghcr, ghcr, ghcr]);
  });

  test("the pin check rejects latest, untagged and floating tags", () => {
    expect(imagePinProblem("nats:latest")).toMatch(/latest/);
    expect(imagePinProblem("netflixoss/metaflow_metadata_service")).toMatch(/no tag/);
    expect(imagePinProblem("netflixoss/metaflow_metadata_service:v2.5")).toMatch(/not a full version/);
    expect(imagePinProblem(`nats@sha256:${"a".repeat(64)}`)).toBeUndefined();
  });
});

describe("database credentials", () => {
  test("the password reaches pods only through secretKeyRef", () => {
    for (const d of deployments) {
      const spec = d.spec.template.spec;
      for (const c of [...(spec.init_container ?? []), ...spec.container]) {
        const pswd = (c.env ?? []).find((e: any) => e.name === "MF_METADATA_DB_PSWD");
        if (!pswd) continue;
        expect(pswd.value).toBeUndefined();
        expect(pswd.value_from.secret_key_ref).toEqual({
          name: "${kubernetes_secret_v1.metaflow-db_secret_EA6F97FF.metadata[0].name}",
          key: "password",
        });
      }
    }
    const withDb = deployments.filter((d) => JSON.stringify(d).includes("MF_METADATA_DB_PSWD")).map((d) => d.metadata.name);
    expect(withDb.sort()).toEqual(["metadata-service", "metaflow-ui-backend-service"]);
  });

  test("the Secrets hold the infra stack's generated passwords, never a literal", () => {
    const secrets = Object.values<any>(resourcesOf(json, "kubernetes_secret_v1"));
    expect(secrets.map((s) => [s.metadata.namespace, s.metadata.name, s.data.password]).sort()).toEqual([
      ["argo", "argo-postgres-config", "${data.terraform_remote_state.infra.outputs.argo_db_password}"],
      ["metaflow", "metaflow-db", "${data.terraform_remote_state.infra.outputs.metaflow_db_password}"],
    ]);
  });

  test("no password literal and no key anywhere in the synthesized stack", () => {
    // END_USER_SETUP names the key's output in the command an admin runs; everything else must not mention it.
    const { END_USER_SETUP, ...rest } = json.output;
    expect(END_USER_SETUP.value).not.toMatch(/private_key|-----BEGIN/);
    const text = JSON.stringify({ ...json, output: rest });
    // Every occurrence of a password-like key holds a reference, not a value.
    for (const m of text.matchAll(/"(?:password|PSWD|MF_METADATA_DB_PSWD)"\s*:\s*"([^"]*)"/gi)) expect(m[1]).toMatch(/^\$\{/);
    expect(text).not.toMatch(/metaflow_service_account_key|private_key|serviceAccountKeySecret|accessKeySecret/);
    expect(text).not.toMatch(/"value"\s*:\s*"[^"$]*postgres(ql)?:\/\/[^"]*:[^"]*@/);
  });

  test("migrations run once per apply, in a Job both servers wait for, with the same database settings over TLS", () => {
    const job = onlyResource(json, "kubernetes_job_v1");
    expect(job.wait_for_completion).toBe(true);
    const spec = job.spec.template.spec;
    expect(spec.restart_policy).toBe("Never");
    const [migrate] = spec.container;
    expect(migrate.command).toEqual(["/opt/latest/bin/python3", "/root/run_goose.py"]);
    const server = deploymentNamed("metadata-service").spec.template.spec.container[0];
    expect(migrate.image).toBe(server.image);
    const names = (c: any) => c.env.map((e: any) => e.name);
    for (const v of ["MF_METADATA_DB_HOST", "MF_METADATA_DB_PORT", "MF_METADATA_DB_USER", "MF_METADATA_DB_PSWD", "MF_METADATA_DB_NAME"]) {
      expect(names(migrate)).toContain(v);
      expect(names(server)).toContain(v);
    }
    const ssl = (c: any) => c.env.find((e: any) => e.name === "MF_METADATA_DB_SSL_MODE").value;
    expect(ssl(migrate)).toBe("require");
    expect(ssl(server)).toBe("require");
    expect(migrate.env.find((e: any) => e.name === "MF_METADATA_DB_HOST").value).toBe(
      "${data.terraform_remote_state.infra.outputs.sql_private_ip}",
    );
    // No replica migrates by itself: goose takes no lock, so concurrent init containers would race.
    for (const d of deployments) {
      for (const init of d.spec.template.spec.init_container ?? []) expect(init.command.join(" ")).not.toMatch(/goose|migrat/);
    }
    for (const name of ["metadata-service", "metaflow-ui-backend-service"]) {
      expect(deploymentNamed(name).depends_on).toContain("kubernetes_job_v1.db-migrations_job_BB165656");
    }
  });

  test("the migrations Job is replaced, and so rerun, when the image changes", () => {
    const bumped = synthDev(
      (e) => (e.services = { images: { metadataService: "public.ecr.aws/outerbounds/metaflow_metadata_service:v2.5.2" } }),
    );
    const job = onlyResource(bumped.servicesJson, "kubernetes_job_v1");
    expect(job.spec.template.spec.container[0].image).toBe("public.ecr.aws/outerbounds/metaflow_metadata_service:v2.5.2");
  });
});

describe("pod security", () => {
  test.each(deployments.map((d) => [d.metadata.name, d]))("%s runs unprivileged on a read-only root filesystem", (_, d: any) => {
    const spec = d.spec.template.spec;
    expect(spec.security_context.run_as_non_root).toBe(true);
    expect(Number(spec.security_context.run_as_user)).toBeGreaterThan(0);
    expect(spec.security_context.seccomp_profile.type).toBe("RuntimeDefault");
    expect(spec.automount_service_account_token).toBe(false);
    for (const c of [...(spec.init_container ?? []), ...spec.container]) expect(c.image_pull_policy).toBe("Always");
    for (const c of spec.container) {
      expect(c.security_context).toMatchObject({
        allow_privilege_escalation: false,
        read_only_root_filesystem: true,
        run_as_non_root: true,
        capabilities: { drop: ["ALL"] },
      });
      expect(c.resources.requests).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
      expect(c.resources.limits).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
    }
  });

  test("namespaces enforce the baseline Pod Security level", () => {
    const namespaces = Object.values<any>(resourcesOf(json, "kubernetes_namespace_v1"));
    expect(namespaces.map((n) => n.metadata.name).sort()).toEqual([
      "argo",
      "jobset-system",
      "metaflow",
      "metaflow-events",
      "metaflow-jobs",
    ]);
    for (const n of namespaces) expect(n.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("baseline");
  });
});

describe("the UI", () => {
  const env = (name: string) =>
    Object.fromEntries(
      deploymentNamed(name)
        .spec.template.spec.container[0].env.filter((e: any) => "value" in e)
        .map((e: any) => [e.name, e.value]),
    );

  test("the UI backend reads the bucket and talks to the metadata service inside the cluster", () => {
    expect(env("metaflow-ui-backend-service")).toMatchObject({
      METAFLOW_DEFAULT_DATASTORE: "gs",
      METAFLOW_DATASTORE_SYSROOT_GS: "${data.terraform_remote_state.infra.outputs.datastore_root}",
      METAFLOW_SERVICE_URL: "http://metadata-service.metaflow.svc.cluster.local:8080",
      UI_ENABLED: "1",
      ORIGIN_TO_ALLOW_CORS_FROM: "http://localhost:8083",
    });
    expect(env("metaflow-ui-backend-service").PATH_PREFIX).toBeUndefined();
    // Its own KSA in its own namespace, not the jobs' one.
    expect(deploymentNamed("metaflow-ui-backend-service").spec.template.spec.service_account_name).toBe(
      "${kubernetes_service_account_v1.ui-backend-wi_ksa_CB159DFF.metadata[0].name}",
    );
  });

  test("the UI's own URL is the one origin the UI backend accepts cross-origin calls from", () => {
    const custom = synthDev((e) => (e.services = { endpoints: { ui: "https://metaflow.example.com" } })).servicesJson;
    const d = Object.values<any>(resourcesOf(custom, "kubernetes_deployment_v1")).find(
      (x) => x.metadata.name === "metaflow-ui-backend-service",
    );
    expect(d.spec.template.spec.container[0].env).toContainEqual({
      name: "ORIGIN_TO_ALLOW_CORS_FROM",
      value: "https://metaflow.example.com",
    });
    expect(custom.output.metaflow_config.value.METAFLOW_UI_URL).toBe("https://metaflow.example.com");
  });
});

describe("replicas", () => {
  test("one replica and no PodDisruptionBudget by default", () => {
    for (const d of deployments) expect(d.spec.replicas).toBe("1");
    expect(resourcesOf(json, "kubernetes_pod_disruption_budget_v1")).toEqual({});
  });

  test("above one replica, each service gets a PodDisruptionBudget selecting its pods", () => {
    const ha = synthDev((e) => (e.services = { replicas: 2 })).servicesJson;
    const pdbs = Object.values<any>(resourcesOf(ha, "kubernetes_pod_disruption_budget_v1"));
    const deps = Object.values<any>(resourcesOf(ha, "kubernetes_deployment_v1"));
    expect(pdbs).toHaveLength(2);
    for (const d of deps) {
      expect(d.spec.replicas).toBe("2");
      const pdb = pdbs.find((p) => p.metadata.name === d.metadata.name);
      expect(pdb.spec.max_unavailable).toBe("1");
      expect(pdb.spec.selector.match_labels).toEqual(d.spec.selector.match_labels);
    }
  });
});

test("the providers are configured from the infra state and a token fetched in this stack", () => {
  const k8s = json.provider.kubernetes[0];
  expect(k8s.host).toBe("https://${data.terraform_remote_state.infra.outputs.cluster_endpoint}");
  expect(k8s.token).toBe("${data.google_client_config.client.access_token}");
  expect(onlyResource({ resource: json.data }, "terraform_remote_state")).toBeDefined();
});

/** Services whose selector matches no Deployment's pods in their namespace, or whose target port no pod declares. */
function serviceProblems(stack: any): string[] {
  const deps = Object.values<any>(resourcesOf(stack, "kubernetes_deployment_v1"));
  const problems: string[] = [];
  for (const svc of Object.values<any>(resourcesOf(stack, "kubernetes_service_v1"))) {
    const match = deps.filter(
      (d) =>
        d.metadata.namespace === svc.metadata.namespace &&
        Object.entries<string>(svc.spec.selector ?? {}).every(([k, v]) => d.spec.template.metadata.labels[k] === v),
    );
    if (match.length === 0) problems.push(`${svc.metadata.name}: selector matches no pod`);
    const ports = match.flatMap((d) => d.spec.template.spec.container.flatMap((c: any) => c.port ?? []));
    for (const p of svc.spec.port) {
      const t = p.target_port ?? p.port;
      if (!ports.some((cp: any) => cp.name === t || cp.container_port === Number(t)))
        problems.push(`${svc.metadata.name}: no container port ${t}`);
    }
  }
  return problems;
}

test("the whole-stack check passes here and catches a Service that selects no pod", () => {
  expect(serviceProblems(json)).toEqual([]);
  const broken = JSON.parse(dev.servicesSynth);
  const ui = Object.values<any>(broken.resource.kubernetes_service_v1).find((s) => s.metadata.name === "metaflow-ui-backend-service");
  ui.spec.selector = { "app.kubernetes.io/name": "metadata-ui-backend-service" };
  const md = Object.values<any>(broken.resource.kubernetes_service_v1).find((s) => s.metadata.name === "metadata-service");
  md.spec.port[0].target_port = 9090;
  expect(serviceProblems(broken)).toEqual([
    "metadata-service: no container port 9090",
    "metaflow-ui-backend-service: selector matches no pod",
    "metaflow-ui-backend-service: no container port http",
  ]);
});
