// Each flag of the review fires on a crafted bad stack: the shipped dev synth with one thing made wrong.
import { App } from "cdktf";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { addEnvironments } from "../stacks/app";
import { parseConfig } from "../config";
import { loadSynthDir, reviewEnvironment } from "../review";
import { imagePin } from "../review/supply-chain";
import { environments, synthFromJson } from "../review/load";
import { Flag } from "../review/model";
import { interpolations, refsInString } from "../review/refs";
import { isSecretKey } from "../review/secrets";
import { devConfig, onlyResource } from "./helpers";

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

// A real synth (Testing.synth drops the construct paths the review shows), read back and then edited per test.
function synthDevDir(mutate?: (env: any) => void) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "review-flags-"));
  try {
    const app = new App({ outdir });
    addEnvironments(app, parseConfig(devConfig(mutate)));
    app.synth();
    const [infra, services] = loadSynthDir(outdir).stacks;
    return { infraJson: infra.json, servicesJson: services.json };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
const base = synthDevDir();
/** With the opt-in service-account key. */
const keyed = synthDevDir((e) => (e.identity = { createKey: true }));
const REMOTE = "data.terraform_remote_state.infra.outputs";

/** Reviews `dev` after `mutate` changed copies of its two stacks' JSON. */
function reviewDev(mutate: (infra: any, services: any) => void, before?: (infra: any, services: any) => void, from = base) {
  const make = (m?: (infra: any, services: any) => void) => {
    const infra = clone(from.infraJson);
    const services = clone(from.servicesJson);
    m?.(infra, services);
    return synthFromJson({ "dev-infra": infra, "dev-services": services });
  };
  const after = make(mutate);
  const [env] = environments(after);
  return reviewEnvironment(env, before ? { before: make(before), againstLabel: "base.out" } : {});
}

/** The review of the dev environment synthesized from a changed configuration. */
function reviewConfig(mutate: (env: any) => void) {
  const stacks = synthDevDir(mutate);
  const [env] = environments(synthFromJson({ "dev-infra": stacks.infraJson, "dev-services": stacks.servicesJson }));
  return reviewEnvironment(env, {});
}

const loud = (flags: Flag[]) => flags.filter((f) => f.severity === "loud").map((f) => `${f.section}: ${f.message}`);
const warn = (flags: Flag[]) => flags.filter((f) => f.severity === "warn").map((f) => `${f.section}: ${f.message}`);

/** Adds a resource with cdktf's metadata to a stack's JSON. */
function add(json: any, type: string, name: string, body: any, path = `dev-services/${name}`) {
  json.resource ??= {};
  json.resource[type] ??= {};
  json.resource[type][name] = { "//": { metadata: { path, uniqueId: name } }, ...body };
}

describe("review of the shipped dev config", () => {
  const r = reviewDev(() => undefined);

  test("raises no loud flag", () => {
    expect(loud(r.flags)).toEqual([]);
  });

  test("flags only the expected broad grants, and no open control-plane endpoint", () => {
    expect(warn(r.flags)).toEqual(
      expect.arrayContaining([
        "Access: roles/container.clusterViewer on the whole project without a condition, for serviceAccount:metaflow-dev@my-metaflow-project.iam.gserviceaccount.com",
      ]),
    );
    expect(r.flags.some((f) => /container\.developer/.test(f.message))).toBe(false);
    expect(r.flags.some((f) => f.section === "Exposure")).toBe(false);
    expect(r.markdown).toContain(
      "DNS endpoint: any network, IAM-gated (container.clusters.connect); IP endpoint closed to every network outside the VPC",
    );
    // The conditioned grants (bucket objects, SQL client) are not flagged.
    expect(r.flags.some((f) => /storage\.objectAdmin|cloudsql\.client/.test(f.message))).toBe(false);
  });
});

describe("review of the project-wide options", () => {
  test('flowRunnerAccess "project" is a warning that says what Kubernetes Engine Developer grants', () => {
    const r = reviewConfig((e) => (e.identity = { flowRunners: ["group:ml@example.com"], flowRunnerAccess: "project" }));
    expect(warn(r.flags)).toContain(
      "Access: roles/container.developer on the whole project without a condition, for group:ml@example.com (every Kubernetes object of every cluster in the project, Secrets included)",
    );
  });

  test('controlPlaneEndpoint "ip" with no authorized networks is flagged as open to any IP', () => {
    const r = reviewConfig((e) => (e.cluster = { controlPlaneEndpoint: "ip" }));
    expect(warn(r.flags)).toContain(
      "Exposure: public control-plane endpoint accepts connections from any IP (Kubernetes authentication still applies)",
    );
  });
});

describe("Google Groups for RBAC", () => {
  test("a group: flow runner turns it on, and the Access section says the gke-security-groups group must exist", () => {
    const r = reviewConfig((e) => (e.identity = { flowRunners: ["group:ml@example.com"] }));
    expect(r.markdown).toContain(
      "**Google Groups for RBAC** is on for GKE `metaflow-dev`: the group `gke-security-groups@example.com` must exist in your Google Workspace or Cloud Identity domain",
    );
    expect(r.markdown).toContain("hold as members the groups Kubernetes RBAC names (`ml@example.com`)");
    // Not a flag: nothing in the config clears it.
    expect(r.flags.some((f) => /gke-security-groups/.test(f.message))).toBe(false);
    expect(reviewDev(() => undefined).markdown).not.toContain("Google Groups for RBAC");
  });
});

describe("Kubernetes RBAC rights", () => {
  test("the flow-runner Role's rights are listed, resolved to namespace and names", () => {
    const r = reviewDev(() => undefined);
    expect(r.markdown).toMatch(
      /\| User metaflow-dev@my-metaflow-project\.iam\.gserviceaccount\.com \| `Role metaflow-flow-runner` \| namespace metaflow-jobs \| create, get, list, watch, patch, delete on batch\/jobs;/,
    );
    // The subject as written stays beside it, for traceability.
    expect(r.markdown).toContain(
      "| `dev-services/flow-runner-access/jobs/binding` | `User data.terraform_remote_state.infra.outputs.metaflow_service_account_email` |",
    );
    expect(r.markdown).toContain(
      "| ServiceAccount metaflow-events/operate-workflow-sa | `Role operate-workflow` | namespace metaflow-jobs |",
    );
    expect(r.markdown).toMatch(
      /\| User metaflow-dev@my-metaflow-project\.iam\.gserviceaccount\.com \| `Role metaflow-flow-runner` \| namespace metaflow-events \| create, get, list, watch, update, delete on argoproj\.io\/sensors;/,
    );
  });

  test("a Role that lets people read Secrets is a loud flag; for a service account, a warning", () => {
    const r = reviewDev((_, services) => {
      const roles = services.resource.kubernetes_role_v1;
      const runner = Object.values<any>(roles).find(
        (x) => x.metadata.name === "metaflow-flow-runner" && x.metadata.namespace.includes("jobs-namespace"),
      );
      runner.rule.push({ api_groups: [""], resources: ["secrets"], verbs: ["get"] });
      const executor = Object.values<any>(roles).find((x) => x.metadata.name === "argo-workflow-executor");
      executor.rule.push({ api_groups: ["*"], resources: ["*"], verbs: ["*"] });
    });
    expect(loud(r.flags)).toEqual([
      "Access: User metaflow-dev@my-metaflow-project.iam.gserviceaccount.com may read Secrets in namespace metaflow-jobs (Role metaflow-flow-runner)",
    ]);
    expect(warn(r.flags)).toContain(
      "Access: ServiceAccount metaflow-jobs/metaflow may read Secrets in namespace metaflow-jobs (Role argo-workflow-executor)",
    );
  });
});

describe("Access flags", () => {
  test("a primitive role is loud", () => {
    const r = reviewDev((infra) =>
      add(
        infra,
        "google_project_iam_member",
        "ci_editor",
        { project: "my-metaflow-project", role: "roles/editor", member: "group:ci@example.com" },
        "dev-infra/ci-editor",
      ),
    );
    expect(loud(r.flags)).toContain("Access: primitive role roles/editor granted to group:ci@example.com");
    expect(r.markdown).toMatch(
      /\| `group:ci@example\.com` \| `roles\/editor` \| `project my-metaflow-project` \| none \| `dev-infra\/ci-editor` \| — \| 🚨 primitive role; ⚠️ project-wide, no condition \|/,
    );
  });

  test("allUsers on a bucket is loud, and the scope names the bucket", () => {
    const r = reviewDev((infra) =>
      add(
        infra,
        "google_storage_bucket_iam_member",
        "public_read",
        { bucket: "${google_storage_bucket.datastore_bucket_E5E3DC4A.name}", role: "roles/storage.objectViewer", member: "allUsers" },
        "dev-infra/public-read",
      ),
    );
    expect(loud(r.flags)).toContain("Access: public principal allUsers holds roles/storage.objectViewer");
    expect(r.markdown).toContain(
      "| `storage_bucket my-metaflow-project-metaflow-dev` | none | `dev-infra/public-read` | `google_storage_bucket.datastore_bucket_E5E3DC4A.name` |",
    );
  });

  test("Workload Identity bindings resolve the pool through remote state and join the annotated KSA", () => {
    // The services stack's own metaflow-jobs/metaflow KSA and binding, plus an annotated KSA nobody bound.
    const r = reviewDev((_, services) => {
      add(
        services,
        "kubernetes_service_account_v1",
        "orphan",
        {
          metadata: [
            { name: "orphan", namespace: "argo", annotations: { "iam.gke.io/gcp-service-account": "argo@x.iam.gserviceaccount.com" } },
          ],
        },
        "dev-services/argo/ksa",
      );
    });
    expect(r.markdown).toContain(
      "| `metaflow-jobs/metaflow` | `metaflow-dev@my-metaflow-project.iam.gserviceaccount.com` | `dev-services/metaflow-wi/workload-identity-user` | `metaflow-dev@my-metaflow-project.iam.gserviceaccount.com` (dev-services/metaflow-wi/ksa) |",
    );
    expect(r.markdown).toContain("| KSA `metaflow-jobs/metaflow` | `roles/iam.workloadIdentityUser` |");
    expect(warn(r.flags)).toContain(
      "Access: KSA argo/orphan is annotated with a GSA but no roles/iam.workloadIdentityUser binding for it is in this synth",
    );
  });
});

describe("Workload Identity annotations in Helm values", () => {
  test("a chart-created KSA's annotation is read from the release's values and checked against its binding", () => {
    const ok = reviewDev(() => undefined);
    expect(ok.markdown).toContain(
      "| `argo/argo-server` | `metaflow-dev@my-metaflow-project.iam.gserviceaccount.com` | `dev-services/argo-server-wi/workload-identity-user` | `metaflow-dev@my-metaflow-project.iam.gserviceaccount.com` (Helm argo-workflows values server.serviceAccount.annotations) |  |",
    );
    expect(ok.markdown).not.toContain("check its");
    const r = reviewDev((_, services) => {
      const release = Object.values<any>(services.resource.helm_release).find((x) => x.name === "argo-workflows");
      const values = JSON.parse(release.values[0]);
      values.server.serviceAccount.annotations["iam.gke.io/gcp-service-account"] = "other@my-metaflow-project.iam.gserviceaccount.com";
      release.values = [JSON.stringify(values)];
    });
    expect(warn(r.flags)).toContain(
      "Access: KSA argo/argo-server is annotated with other@my-metaflow-project.iam.gserviceaccount.com but bound to metaflow-dev@my-metaflow-project.iam.gserviceaccount.com: its pods get no Google credentials",
    );
  });

  test("values written as YAML rather than JSON are read too", () => {
    const r = reviewDev((_, services) => {
      const release = Object.values<any>(services.resource.helm_release).find((x) => x.name === "argo-workflows");
      release.values = [
        "server:\n  serviceAccount:\n    name: argo-server\n    annotations:\n      iam.gke.io/gcp-service-account: yaml@my-metaflow-project.iam.gserviceaccount.com\n",
      ];
    });
    expect(warn(r.flags)).toContain(
      "Access: KSA argo/argo-server is annotated with yaml@my-metaflow-project.iam.gserviceaccount.com but bound to metaflow-dev@my-metaflow-project.iam.gserviceaccount.com: its pods get no Google credentials",
    );
  });
});

describe("a stack missing from the new synth", () => {
  test("is a loud flag that lists its stateful resources", () => {
    const before = synthFromJson({ "dev-infra": clone(base.infraJson), "dev-services": clone(base.servicesJson) });
    const [env] = environments(synthFromJson({ "dev-infra": clone(base.infraJson) }));
    const r = reviewEnvironment(env, { before, againstLabel: "base.out" });
    expect(loud(r.flags)).toEqual([
      expect.stringMatching(
        /^Change review: STACK GONE: stack dev-services is in base\.out but not in this synth: cdktf no longer plans it, so its 40 resources stay deployed without code, .* Stateful resources: dev-services\/argo-namespace\/namespace \(kubernetes_namespace_v1\), dev-services\/events-namespace\/namespace \(kubernetes_namespace_v1\), dev-services\/jobs-namespace\/namespace \(kubernetes_namespace_v1\), dev-services\/jobset-namespace\/namespace \(kubernetes_namespace_v1\), dev-services\/metaflow-namespace\/namespace \(kubernetes_namespace_v1\)$/,
      ),
    ]);
    expect(r.markdown).toContain("#### ⛔ 1 stack no longer in this synth");
    expect(r.markdown).toMatch(/#### `dev-services`: stack removed; 0 added, 40 removed/);
  });
});

describe("Exposure flags", () => {
  test("a public IP on Cloud SQL is loud, with its authorized networks", () => {
    const r = reviewDev((infra) => {
      const ip = onlyResource(infra, "google_sql_database_instance").settings.ip_configuration;
      ip.ipv4_enabled = true;
      ip.authorized_networks = [{ name: "anywhere", value: "0.0.0.0/0" }];
    });
    expect(loud(r.flags)).toEqual(["Exposure: Cloud SQL instance has a public IPv4 address open to 0.0.0.0/0"]);
    expect(r.markdown).toContain("public IPv4; authorized networks: `0.0.0.0/0`");
  });

  test("an external LoadBalancer Service, an open firewall rule and Helm's serviceType are flagged", () => {
    const r = reviewDev((infra, services) => {
      add(services, "kubernetes_service_v1", "ui", {
        metadata: [{ name: "ui", namespace: "metaflow" }],
        spec: [{ type: "LoadBalancer", port: [{ port: 80 }] }],
      });
      add(services, "kubernetes_service_v1", "internal", {
        metadata: [{ name: "api", namespace: "metaflow", annotations: { "networking.gke.io/load-balancer-type": "Internal" } }],
        spec: [{ type: "LoadBalancer" }],
      });
      add(services, "helm_release", "argo", {
        name: "argo-workflows",
        chart: "argo-workflows",
        version: "0.45.0",
        values: ["server:\n  serviceType: LoadBalancer\n"],
      });
      add(
        infra,
        "google_compute_firewall",
        "ssh",
        { name: "allow-ssh", network: "x", source_ranges: ["0.0.0.0/0"], allow: [{ protocol: "tcp", ports: ["22"] }] },
        "dev-infra/ssh",
      );
    });
    expect(loud(r.flags)).toEqual(
      expect.arrayContaining([
        "Exposure: Service metaflow/ui is an external load balancer open to any address",
        "Exposure: firewall rule allow-ssh allows tcp:22 from 0.0.0.0/0",
      ]),
    );
    expect(warn(r.flags)).toContain("Exposure: Helm release argo-workflows exposes a service (server.serviceType: LoadBalancer)");
    expect(r.flags.some((f) => f.message.includes("metaflow/api"))).toBe(false);
    expect(r.markdown).toContain("| Service `metaflow/api` | internal load balancer |");
  });

  test("without Cloud NAT the report says nothing leaves the VPC", () => {
    const r = reviewDev((infra) => delete infra.resource.google_compute_router_nat);
    expect(r.markdown).toContain("No Cloud NAT: resources without a public IP cannot reach the internet.");
  });

  test("in a network the stack does not create, it does not claim that nothing leaves it", () => {
    const r = reviewDev((infra) => {
      delete infra.resource.google_compute_router_nat;
      delete infra.resource.google_compute_network;
    });
    expect(r.markdown).not.toContain("cannot reach the internet");
    expect(r.markdown).toContain("egress is whatever the network's owner provides");
  });
});

describe("Data protection flags", () => {
  test("force_destroy, no versioning, no backups and no deletion protection are flagged", () => {
    const r = reviewDev((infra) => {
      const bucket = onlyResource(infra, "google_storage_bucket");
      bucket.force_destroy = true;
      bucket.versioning = { enabled: false };
      const sql = onlyResource(infra, "google_sql_database_instance");
      sql.deletion_protection = false;
      sql.settings.backup_configuration.enabled = false;
    });
    expect(warn(r.flags)).toEqual(
      expect.arrayContaining([
        "Data protection: bucket force_destroy is on: `terraform destroy` deletes it with all its objects",
        "Data protection: bucket versioning is off: overwritten or deleted objects cannot be recovered",
        "Data protection: Cloud SQL deletion_protection is off: `terraform destroy` deletes the instance",
        "Data protection: Cloud SQL automated backups are off",
      ]),
    );
  });
});

describe("Secrets flags", () => {
  test("a secret in a plain output is loud, followed through remote state to its generator", () => {
    const r = reviewDev((_, services) => {
      services.output = {
        METAFLOW_DB_PASS: { value: `\${${REMOTE}.metaflow_db_password}` },
        METAFLOW_DB_USER: { value: `\${${REMOTE}.metaflow_db_user}` },
      };
    });
    expect(loud(r.flags)).toEqual([
      expect.stringMatching(
        /^Secrets: output METAFLOW_DB_PASS is not sensitive but carries a secret \(dev-infra output metaflow_db_password <- random_password\.database_metaflow-password_\w+\.result\)$/,
      ),
    ]);
    expect(r.markdown).toMatch(/\| `dev-services` \| `METAFLOW_DB_PASS` \| no \| .* \| 🚨 NOT SENSITIVE but carries a secret \|/);
  });

  test("an infra output made non-sensitive is loud", () => {
    const r = reviewDev((infra) => delete infra.output.metaflow_service_account_key.sensitive, undefined, keyed);
    expect(loud(r.flags)).toEqual([
      expect.stringMatching(
        /output metaflow_service_account_key is not sensitive but carries a secret \(google_service_account_key\.identity_key_\w+\.private_key\)/,
      ),
    ]);
  });

  test("a service-account key is a warning that names the organisation policy refusing it; the keyless default has none", () => {
    const key = warn(reviewDev(() => undefined, undefined, keyed).flags).filter((f) => f.includes("service-account key"));
    expect(key).toEqual([
      expect.stringMatching(/^Secrets: a service-account key: .*iam\.disableServiceAccountKeyCreation.*identity\.impersonators/),
    ]);
    expect(warn(reviewDev(() => undefined).flags).filter((f) => f.includes("service-account key"))).toEqual([]);
  });

  test("literal secrets in the JSON are loud; references and secret names are not", () => {
    const r = reviewDev((_, services) => {
      add(services, "kubernetes_secret_v1", "db", {
        metadata: [{ name: "db", namespace: "metaflow" }],
        data: { username: "metaflow", password: "hunter2" },
      });
      add(services, "kubernetes_deployment_v1", "api", {
        metadata: [{ name: "api" }],
        spec: [
          {
            template: [
              {
                spec: [
                  {
                    container: [
                      {
                        name: "api",
                        image: "ghcr.io/x/api:2.4.0",
                        env: [
                          { name: "MF_DB_PASSWORD", value: "s3cret" },
                          { name: "MF_DB_HOST", value: "10.0.0.3" },
                          { name: "MF_DB_PASS_REF", value_from: [{ secret_key_ref: [{ name: "db", key: "password" }] }] },
                        ],
                      },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      });
      add(services, "helm_release", "argo", {
        name: "argo",
        chart: "argo-workflows",
        version: "0.45.0",
        values: ["postgres:\n  existingSecret: argo-db\n  password: plain\n"],
      });
    });
    expect(loud(r.flags).sort()).toEqual([
      "Secrets: literal secret at data.password",
      "Secrets: literal secret at spec[0].template[0].spec[0].container[0].env[0].value",
      "Secrets: literal secret in Helm values at postgres.password",
    ]);
  });

  test("a secret in a plain env value warns; in a ConfigMap it is loud", () => {
    const r = reviewDev((_, services) => {
      add(services, "kubernetes_config_map_v1", "cfg", { metadata: [{ name: "cfg" }], data: { DB: `\${${REMOTE}.metaflow_db_password}` } });
      add(services, "kubernetes_deployment_v1", "api", {
        metadata: [{ name: "api" }],
        spec: [
          {
            template: [
              {
                spec: [{ container: [{ name: "api", image: "x:1.0.0", env: [{ name: "DB", value: `\${${REMOTE}.argo_db_password}` }] }] }],
              },
            ],
          },
        ],
      });
    });
    expect(loud(r.flags)).toEqual([
      expect.stringMatching(/^Secrets: secret stored in a ConfigMap \(dev-infra output metaflow_db_password <- random_password\./),
    ]);
    expect(warn(r.flags)).toContainEqual(expect.stringMatching(/^Secrets: secret in a plain container env value/));
  });
});

describe("Supply chain flags", () => {
  test("floating images and an unversioned chart are flagged; tags and digests are shown", () => {
    const r = reviewDev((_, services) => {
      add(services, "kubernetes_deployment_v1", "svc", {
        metadata: [{ name: "svc" }],
        spec: [
          {
            template: [
              {
                spec: [
                  {
                    init_container: [{ name: "migrate", image: "ghcr.io/outerbounds/metaflow-service" }],
                    container: [
                      { name: "api", image: "ghcr.io/outerbounds/metaflow-service:latest" },
                      { name: "ui", image: "ghcr.io/x/ui@sha256:abc123" },
                      { name: "proxy", image: "localhost:5000/proxy:1.2.3" },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      });
      add(services, "helm_release", "events", {
        name: "argo-events",
        chart: "argo-events",
        repository: "https://argoproj.github.io/argo-helm",
      });
      add(services, "helm_release", "wf", {
        name: "argo-workflows",
        chart: "argo-workflows",
        version: "0.45.0",
        values: ["controller:\n  image:\n    repository: argoproj/workflow-controller\n    tag: latest\n"],
      });
    });
    expect(warn(r.flags)).toEqual(
      expect.arrayContaining([
        "Supply chain: image ghcr.io/outerbounds/metaflow-service floats (no tag (means latest)): each pull may run different code",
        "Supply chain: image ghcr.io/outerbounds/metaflow-service:latest floats (latest): each pull may run different code",
        "Supply chain: image argoproj/workflow-controller:latest floats (latest): each pull may run different code",
        "Supply chain: Helm chart argo-events has no version: the newest matching chart is installed",
      ]),
    );
    expect(r.markdown).toContain("| `ghcr.io/x/ui@sha256:abc123` | digest `sha256:abc123` (immutable) |");
    expect(r.markdown).toContain("| `localhost:5000/proxy:1.2.3` | tag `1.2.3`: pinned for Terraform, mutable in the registry |");
    expect(r.flags.some((f) => f.message.includes("ghcr.io/x/ui@sha256:abc123"))).toBe(false);
  });

  // argoproj/argo-helm argo-workflows-0.47.5, templates/_helpers.tpl (argo-workflows.defaultTag) and
  // templates/controller/workflow-controller-deployment.yaml: an image without its own tag runs at `images.tag`
  // (else the chart's appVersion); `images.tag` names no image of its own.
  test("a chart's images.tag is the tag of its images that set none, and no image row of its own", () => {
    const r = reviewDev((_, services) => {
      add(services, "helm_release", "wf", {
        name: "argo-workflows",
        chart: "argo-workflows",
        version: "0.47.5",
        values: [
          JSON.stringify({
            images: { tag: "v3.7.18" },
            controller: { image: { registry: "quay.io", repository: "argoproj/workflow-controller" } },
            server: { image: { registry: "quay.io", repository: "argoproj/argocli", tag: "v3.7.17" } },
          }),
        ],
      });
    });
    expect(r.markdown).toContain("| `quay.io/argoproj/workflow-controller:v3.7.18` | tag `v3.7.18`:");
    expect(r.markdown).toContain("| `quay.io/argoproj/argocli:v3.7.17` | tag `v3.7.17`:");
    expect(r.markdown).toContain("`dev-services/wf values controller.image`");
    expect(r.markdown).not.toContain("all images of the chart");
    expect(r.flags.some((f) => /images of the chart|images\.tag/.test(f.message))).toBe(false);
  });

  test("imagePin reads registries with ports, digests and missing tags", () => {
    expect(imagePin("localhost:5000/a/b")).toEqual({ kind: "none", detail: "no tag (means latest)" });
    expect(imagePin("a/b:1.2@sha256:ff")).toEqual({ kind: "digest", detail: "sha256:ff" });
    expect(imagePin("${var.image}").kind).toBe("expression");
  });
});

describe("Change review flags on crafted stacks", () => {
  test("a renamed construct ID of the SQL instance is a loud destroy-and-recreate", () => {
    const rename = (infra: any) => {
      const all = infra.resource.google_sql_database_instance;
      const [oldName] = Object.keys(all);
      const body = all[oldName];
      delete all[oldName];
      body["//"].metadata.path = "dev-infra/db/instance";
      all.db_instance_0A1B2C3D = body;
    };
    const r = reviewDev(rename, () => undefined);
    expect(loud(r.flags)).toEqual([
      expect.stringMatching(
        /^Change review: DESTROYS google_sql_database_instance: construct path or ID changed \(dev-infra\/database\/instance -> dev-infra\/db\/instance\)/,
      ),
    ]);
    expect(r.markdown).toContain("#### ⛔ 1 stateful resource destroyed or recreated");
    expect(r.markdown).toMatch(
      /\| renamed \(destroy \+ create\) \| `google_sql_database_instance` \| `dev-infra\/database\/instance \(google_sql_database_instance\.database_instance_\w+\)` -> `dev-infra\/db\/instance \(google_sql_database_instance\.db_instance_0A1B2C3D\)` \|/,
    );
  });

  test("a moved block turns the rename into a move", () => {
    let from = "";
    const r = reviewDev(
      (infra) => {
        const all = infra.resource.google_sql_database_instance;
        const [oldName] = Object.keys(all);
        from = `google_sql_database_instance.${oldName}`;
        all.db_instance_0A1B2C3D = all[oldName];
        delete all[oldName];
        infra.moved = [{ from, to: "google_sql_database_instance.db_instance_0A1B2C3D" }];
      },
      () => undefined,
    );
    expect(loud(r.flags)).toEqual([]);
    expect(r.markdown).toContain("| moved |");
  });

  test("a changed SQL region is a loud destroy-and-recreate naming the attribute", () => {
    const r = reviewDev(
      (infra) => (onlyResource(infra, "google_sql_database_instance").region = "europe-west1"),
      () => undefined,
    );
    expect(loud(r.flags)).toEqual([
      'Change review: DESTROYS google_sql_database_instance: region "us-central1" -> "europe-west1" cannot be changed in place: Terraform destroys and recreates it',
    ]);
    // The databases inside go with it (their `instance` reads the replaced instance's name), but are abandoned, not
    // dropped: warnings that say so.
    expect(
      warn(r.flags).filter((f) =>
        /^Change review: google_sql_database: instance reads dev-infra\/database\/instance\.name, which is replaced \(region.*deletion_policy is ABANDON/.test(
          f,
        ),
      ),
    ).toHaveLength(2);
    expect(r.markdown).toContain('`~ region: "us-central1" -> "europe-west1"`');
  });

  test("removing a bucket is a loud destroy", () => {
    const r = reviewDev(
      (infra) => delete infra.resource.google_storage_bucket,
      () => undefined,
    );
    expect(loud(r.flags)).toEqual(["Change review: DESTROYS google_storage_bucket: removed from the code: Terraform destroys it"]);
  });
});

describe("expression parsing", () => {
  test("finds references inside templates and function calls, not inside quoted strings", () => {
    expect(interpolations('https://${data.x_y.z.a}/${f("}")}')).toEqual(["data.x_y.z.a", 'f("}")']);
    // $${ is Terraform's literal ${: no expression.
    expect(interpolations("echo $${HOME} ${google_x.y.name}")).toEqual(["google_x.y.name"]);
    const refs = refsInString(
      '${base64decode(data.terraform_remote_state.infra.outputs.ca)} ${replace(google_x.y.name, "google_a.b.c", "")}',
    );
    expect(refs.map((r) => r.text)).toEqual(["data.terraform_remote_state.infra.outputs.ca", "google_x.y.name"]);
    expect(refs[0]).toMatchObject({ mode: "data", type: "terraform_remote_state", name: "infra", attr: "outputs.ca" });
  });

  test("secret key names exclude names of secrets", () => {
    expect(["password", "DB_PASSWORD", "clientSecret", "api-key", "token"].every(isSecretKey)).toBe(true);
    expect(["existingSecret", "passwordSecret", "secretKeyRef", "automount_service_account_token", "tokenTtl"].some(isSecretKey)).toBe(
      false,
    );
  });
});

describe("Secret Manager grants", () => {
  test("the Access section shows the flow runners' secret grants with their conditions; only the create grant is project-wide", () => {
    const r = reviewConfig((e) => (e.identity = { flowRunners: ["group:ml@example.com"] }));
    const rows = r.markdown.split("\n").filter((l) => l.startsWith("| `group:ml@example.com`") && /secret/.test(l));
    const condition =
      'metaflow-secrets-only: `resource.name.startsWith("projects/${data.google_project.project.number}/secrets/metaflow-dev-")`';
    for (const role of ["roles/secretmanager.secretVersionAdder", "roles/secretmanager.secretAccessor"]) {
      const row = rows.find((l) => l.includes(`\`${role}\``));
      expect(row).toContain(condition);
      expect(row).not.toContain("⚠️");
    }
    expect(warn(r.flags)).toContain(
      "Access: projects/my-metaflow-project/roles/metaflow_dev_secret_create on the whole project without a condition, for group:ml@example.com",
    );
    // The custom role is listed with its one permission.
    expect(r.markdown).toMatch(/\| `metaflow_dev_secret_create` \| `my-metaflow-project` \| 1 \| GA \|/);
  });
});
