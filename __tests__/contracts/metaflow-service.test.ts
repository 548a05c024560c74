// Facts Netflix/metaflow-service v2.5.1 (the image netflixoss/metaflow_metadata_service:v2.5.1) relies on, checked on
// what we synthesize.
import { UI_BUNDLE_IN_IMAGE, UI_BUNDLE_SERVED_FROM, uiCacheLimits } from "../../constructs/metaflow-ui";
import { PINS } from "../../lib/defaults";
import { FLOW_NAME, uiRunPath } from "../../verify/flow";
import { PONG } from "../../verify/plan";
import { onlyResource, resourcesOf, synthDev } from "../helpers";

const json = synthDev().servicesJson;
const deployment = (name: string) =>
  Object.values<any>(resourcesOf(json, "kubernetes_deployment_v1")).find((d) => d.metadata.name === name);
const container = (name: string) => deployment(name).spec.template.spec.container[0];
const env = (c: any) => Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.value_from]));
const GiB = 1024 ** 3;
const pod = (name: string) => deployment(name).spec.template.spec;

// v2.5.1, .github/workflows/dockerimage.yml: on a release, docker/metadata-action (type=semver, pattern={{raw}}) tags
// the image with the git tag and docker/build-push-action pushes it as netflixoss/metaflow_metadata_service to Docker
// Hub. So the pin names an image that the release process of the tag we read produces.
test("the pinned image is the one the v2.5.1 release pushes to Docker Hub", () => {
  expect(PINS.images.metadataService).toBe("netflixoss/metaflow_metadata_service:v2.5.1");
});

// v2.5.1, services/metadata_service/server.py: listens on MF_METADATA_PORT (default 8080); api/admin.py: GET /ping.
test("the metadata service listens on MF_METADATA_PORT and answers /ping there", () => {
  const c = container("metadata-service");
  expect(env(c).MF_METADATA_PORT).toBe("8080");
  expect(c.port[0].container_port).toBe(8080);
  expect(c.readiness_probe.http_get.path).toBe("/ping");
});

// v2.5.1, services/ui_backend_service/ui_server.py: listens on MF_UI_METADATA_PORT (default 8083); api/admin.py: GET
// /ping. With UI_ENABLED=1 (its default) it adds frontend.py's routes last, a catch-all, and all of them under
// PATH_PREFIX when that is set: the UI is served under the prefix too, so no prefix is set (see metaflow-ui.test.ts).
test("the UI backend listens on MF_UI_METADATA_PORT, serves the UI at its root and answers /ping there", () => {
  const c = container("metaflow-ui-backend-service");
  expect(env(c).MF_UI_METADATA_PORT).toBe(String(c.port[0].container_port));
  expect(env(c).UI_ENABLED).toBe("1");
  expect(env(c).PATH_PREFIX).toBeUndefined();
  expect(c.readiness_probe.http_get.path).toBe("/ping");
});

// v2.5.1, services/metadata_service/api/admin.py and services/ui_backend_service/api/admin.py (ping): GET /ping
// answers the text "pong" on both servers, which is what END_USER_SETUP tells users to expect from their forwards.
test("END_USER_SETUP checks each Metaflow port-forward by the /ping both servers answer with pong", () => {
  const text: string = json.output.END_USER_SETUP.value;
  for (const name of ["metadata-service", "metaflow-ui-backend-service"]) {
    const c = container(name);
    expect(text).toContain(`curl -fsS http://localhost:${c.port[0].container_port}${c.readiness_probe.http_get.path}`);
  }
  expect(text).toContain("each prints pong");
});

// v2.5.1, Dockerfile: ARG UI_ENABLED="1", UI_VERSION="v1.3.13"; `pip install .` puts the services into the /opt/latest
// virtualenv (FROM python:3.11.6-slim-bookworm, so lib/python3.11/site-packages), then download_ui.sh unzips the
// metaflow-ui release into $DIR/ui, DIR being its own directory /root/services/ui_backend_service. frontend.py serves
// `ui` beside itself (os.path.realpath(__file__)), i.e. in site-packages, where the image has no bundle; /root is 0700.
test("the UI bundle is copied from where the image unpacks it to where the installed server reads it", () => {
  expect(UI_BUNDLE_IN_IMAGE).toBe("/root/services/ui_backend_service/ui");
  expect(UI_BUNDLE_SERVED_FROM).toBe("/opt/latest/lib/python3.11/site-packages/services/ui_backend_service/ui");
  const p = pod("metaflow-ui-backend-service");
  const copy = p.init_container.find((c: any) => c.command.includes(`${UI_BUNDLE_IN_IMAGE}/.`));
  const target = copy.volume_mount[0];
  expect(copy.command[copy.command.length - 1]).toBe(`${target.mount_path}/`);
  expect(container("metaflow-ui-backend-service").volume_mount).toContainEqual({
    name: target.name,
    mount_path: UI_BUNDLE_SERVED_FROM,
    read_only: true,
  });
  // Only UID 0, the owner, reads the 0700 /root; the copy runs as it, with no capability that bypasses file modes.
  expect(copy.security_context.run_as_user).toBe("0");
  expect(copy.security_context.capabilities.drop).toEqual(["ALL"]);
});

// v2.5.1, services/utils/__init__.py (web_response): unless ORIGIN_TO_ALLOW_CORS_FROM is set, every API answer carries
// `Access-Control-Allow-Origin: *`, so any page open in the user's browser could read the API through the
// port-forward; ui_server.py then lets aiohttp_cors allow that one origin instead.
test("the UI backend allows cross-origin calls from the UI's own origin only, never from any origin", () => {
  const e = env(container("metaflow-ui-backend-service"));
  expect(e.ORIGIN_TO_ALLOW_CORS_FROM).toBe(new URL(json.output.metaflow_config.value.METAFLOW_UI_URL).origin);
  expect(e.ORIGIN_TO_ALLOW_CORS_FROM).not.toBe("*");
});

// v2.5.1, services/utils/__init__.py (DBConfiguration, prefix MF_METADATA_DB_) and run_goose.py: the database is
// HOST, PORT, NAME, USER, PSWD, and SSL_MODE (run_goose.py passes allow/prefer/require/verify-* through, else
// sslmode=disable, which the instance refuses).
test("every process that talks to the database gets the same MF_METADATA_DB_* settings, TLS on", () => {
  const job = onlyResource(json, "kubernetes_job_v1").spec.template.spec.container[0];
  for (const c of [container("metadata-service"), container("metaflow-ui-backend-service"), job]) {
    const e = env(c);
    for (const k of ["HOST", "PORT", "NAME", "USER", "PSWD"]) expect(e[`MF_METADATA_DB_${k}`]).toBeDefined();
    expect(["require", "verify-ca", "verify-full"]).toContain(e.MF_METADATA_DB_SSL_MODE);
  }
});

// v2.5.1, Dockerfile: WORKDIR /root, run_goose.py copied to /root, the migrations under
// /root/services/migration_service/migration_files, the services installed into /opt/latest; goose v3.9.0, which
// takes no lock, so the migrations run in one Job rather than in each replica.
test("the migrations run /root/run_goose.py with the image's /opt/latest Python, once, in a Job", () => {
  const job = onlyResource(json, "kubernetes_job_v1");
  expect(job.spec.template.spec.container[0].command).toEqual(["/opt/latest/bin/python3", "/root/run_goose.py"]);
  expect(job.spec.completions ?? 1).toBe(1);
  expect(job.spec.parallelism ?? 1).toBe(1);
  for (const name of ["metadata-service", "metaflow-ui-backend-service"]) {
    // No replica migrates on its own (the UI backend's one init container copies its UI bundle).
    const inits = deployment(name).spec.template.spec.init_container ?? [];
    expect(inits.filter((c: any) => c.command.some((arg: string) => arg.includes("run_goose")))).toEqual([]);
    expect(container(name).command[0]).toBe("/opt/latest/bin/python3");
  }
});

// v2.5.1, services/ui_backend_service/data/cache/store.py: CACHE_{ARTIFACT,DAG,LOG}_STORAGE_LIMIT are byte counts that
// default to 1/2, 1/4 and 1/5 of shutil.disk_usage("/"), the node's disk; the caches live in ./cache_data (the
// working directory) and card_cache_manager.py keeps cards in /tmp. Their sum must fit the scratch volume there.
test("the UI backend's cache limits are set, in bytes, and their sum fits its scratch volume", () => {
  const c = container("metaflow-ui-backend-service");
  const e = env(c);
  const limits = ["CACHE_ARTIFACT_STORAGE_LIMIT", "CACHE_DAG_STORAGE_LIMIT", "CACHE_LOG_STORAGE_LIMIT"].map((k) => Number(e[k]));
  for (const l of limits) expect(Number.isInteger(l) && l > 0).toBe(true);
  const volume = deployment("metaflow-ui-backend-service").spec.template.spec.volume.find((v: any) => v.name === "tmp");
  const mount = c.volume_mount.find((m: any) => m.name === "tmp");
  expect(mount.mount_path).toBe(c.working_dir);
  const size = Number(/^(\d+)Gi$/.exec(volume.empty_dir.size_limit)![1]) * GiB;
  expect(limits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(size * 0.8);
});

test("the cache limits follow the one size setting, and fit at every allowed size", () => {
  const big = synthDev((e) => (e.services = { uiCacheSizeGi: 20 })).servicesJson;
  const d = Object.values<any>(big.resource.kubernetes_deployment_v1).find((x) => x.metadata.name === "metaflow-ui-backend-service");
  expect(d.spec.template.spec.volume.find((v: any) => v.name === "tmp").empty_dir.size_limit).toBe("20Gi");
  expect(d.spec.template.spec.container[0].env).toContainEqual({
    name: "CACHE_ARTIFACT_STORAGE_LIMIT",
    value: String(uiCacheLimits(20).CACHE_ARTIFACT_STORAGE_LIMIT),
  });
  for (const gi of [1, 4, 37, 100]) {
    const sum = Object.values(uiCacheLimits(gi)).reduce((a, b) => a + b, 0);
    expect(sum).toBeLessThanOrEqual(gi * GiB * 0.8);
    expect(sum).toBeGreaterThan(gi * GiB * 0.7);
  }
});

// v2.5.1: nothing reads MF_DATASTORE_ROOT (git grep finds it nowhere); the UI backend reads the datastore through the
// Metaflow client it embeds, configured by METAFLOW_DEFAULT_DATASTORE and METAFLOW_DATASTORE_SYSROOT_GS.
test("no dead setting: MF_DATASTORE_ROOT is not set, the Metaflow client's own keys are", () => {
  const e = env(container("metaflow-ui-backend-service"));
  expect(e.MF_DATASTORE_ROOT).toBeUndefined();
  expect(e.METAFLOW_DEFAULT_DATASTORE).toBe("gs");
  expect(e.METAFLOW_DATASTORE_SYSROOT_GS).toBe(json.output.METAFLOW_DATASTORE_SYSROOT_GS.value);
});

// v2.5.1, services/ui_backend_service/ui_server.py (app): without PATH_PREFIX the UI backend's API routes sit at its
// root, api/run.py: GET /flows/{flow_id}/runs/{run_number} answers one run (a run id such as argo-... too), and
// api/admin.py: GET /ping answers pong. `npm run verify` asks both through the API server's service proxy.
test("npm run verify asks the UI backend at its root: /ping, and /flows/<flow>/runs/<run> for the hello flow's runs", () => {
  const c = container("metaflow-ui-backend-service");
  expect(env(c).PATH_PREFIX).toBeUndefined();
  expect(uiRunPath("argo-x")).toBe(`/flows/${FLOW_NAME}/runs/argo-x`);
  expect(PONG).toBe("pong");
  expect(c.readiness_probe.http_get.path).toBe("/ping");
});
