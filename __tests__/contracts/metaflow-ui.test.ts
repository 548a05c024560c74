// Facts Netflix/metaflow-ui v1.3.13 relies on: the UI that Netflix/metaflow-service v2.5.1's Dockerfile bundles
// (UI_VERSION="v1.3.13") and its UI backend serves.
import { resourcesOf, synthDev } from "../helpers";

const json = synthDev().servicesJson;
const deployments = Object.values<any>(resourcesOf(json, "kubernetes_deployment_v1"));
const backend = deployments.find((d) => d.metadata.name === "metaflow-ui-backend-service");
const env = Object.fromEntries(backend.spec.template.spec.container[0].env.map((e: any) => [e.name, e.value]));
const config: Record<string, string> = json.output.metaflow_config.value;

// v1.3.13, .github/workflows/package.yml: a release tag builds the app and uploads metaflow-ui-<tag>.zip to the GitHub
// release; no workflow pushes a container image. metaflow-service's download_ui.sh fetches that zip into its image.
test("no separate UI image runs: the UI comes from the metadata service's image", () => {
  const images = deployments.flatMap((d) => d.spec.template.spec.container.map((c: any) => c.image));
  expect(images.filter((i: string) => /metaflow[_-]ui/.test(i))).toEqual([]);
  expect(backend.spec.template.spec.container[0].image).toMatch(/netflixoss\/metaflow_metadata_service:/);
});

// v1.3.13, src/constants.ts: the API base is new URL(window.METAFLOW_SERVICE || REACT_APP_METAFLOW_SERVICE || "/api",
// document.baseURI), and the websocket URL is derived from it. metaflow-service v2.5.1's frontend.py writes
// window.METAFLOW_SERVICE into index.html from its METAFLOW_SERVICE variable, "/" by default: the UI's own origin,
// where the server answers the API. Any other value would point the browser at a second address.
test("the UI calls its API on the origin it was served from", () => {
  expect(env.METAFLOW_SERVICE).toBeUndefined();
});

// v1.3.13, package.json sets no "homepage" and public/index.html links %PUBLIC_URL%/..., so the build's assets load from
// root-absolute paths (/static/...): the UI works only at the root of its origin, where the server mounts it when
// PATH_PREFIX is unset.
test("the UI is served at the root of its origin, and users are told to open that origin", () => {
  expect(env.PATH_PREFIX).toBeUndefined();
  const ui = new URL(config.METAFLOW_UI_URL);
  expect(ui.pathname).toBe("/");
  // The one port-forward of the UI: the same port as the URL users open.
  const setup: string = json.output.END_USER_SETUP.value;
  expect(setup).toContain(`port-forward svc/metaflow-ui-backend-service ${ui.port}:8083 &   # Metaflow UI`);
  expect(setup).not.toMatch(/3000/);
});
