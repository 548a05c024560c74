// Facts Netflix/metaflow-ui v1.3.13 (the image public.ecr.aws/outerbounds/metaflow_ui:v1.3.13) relies on.
import { resourcesOf, synthDev } from "../helpers";

const json = synthDev().servicesJson;
const d = Object.values<any>(resourcesOf(json, "kubernetes_deployment_v1")).find((x) => x.metadata.name === "metaflow-ui-static-service");
const c = d.spec.template.spec.container[0];
const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));

// v1.3.13, nginx.conf.template: `listen ${PORT}`; the official nginx image renders /etc/nginx/templates into
// /etc/nginx/conf.d at start, and index.html gets window.METAFLOW_SERVICE="${METAFLOW_SERVICE}" (read by the browser).
test("nginx listens on PORT, the port the Service targets, and hands the browser METAFLOW_SERVICE", () => {
  expect(env.PORT).toBe(String(c.port[0].container_port));
  expect(env.METAFLOW_SERVICE).toBe("http://localhost:8083/api");
  expect(c.volume_mount.map((m: any) => m.mount_path)).toContain("/etc/nginx/conf.d");
});

// v1.3.13, Dockerfile: FROM nginx, whose unprivileged user is nginx (UID 101); its pid file and temp paths are
// /run and /var/cache/nginx, writable scratch volumes on a read-only root filesystem.
test("the UI runs as nginx's UID with its writable paths on scratch volumes", () => {
  expect(d.spec.template.spec.security_context.run_as_user).toBe("101");
  const mounts = c.volume_mount.map((m: any) => m.mount_path);
  for (const p of ["/run", "/var/cache/nginx", "/tmp"]) expect(mounts).toContain(p);
  expect(c.security_context.read_only_root_filesystem).toBe(true);
});
