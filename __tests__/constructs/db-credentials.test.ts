import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { DbCredentials } from "../../constructs/db-credentials";
import { bareStack, onlyResource, refTo, resolve, synth } from "./stack";

/** A sensitive infra output, as the services stack passes it: a reference, never a literal. */
const PASSWORD = "${data.terraform_remote_state.infra.outputs.metaflow_db_password}";

function build() {
  const stack = bareStack("kubernetes");
  const credentials = new DbCredentials(stack, "db", {
    namespace: { name: "metaflow", resource: { fqn: "kubernetes_namespace_v1.metaflow" } },
    name: "metaflow-db",
    username: "metaflow",
    password: PASSWORD,
  });
  return { credentials, ...synth(stack) };
}

describe("DbCredentials", () => {
  const { credentials, text, json } = build();

  test("is an Opaque Secret in the pods' namespace holding the login as given", () => {
    expect(text).toHaveResourceWithProperties(SecretV1, {
      metadata: { name: "metaflow-db", namespace: "metaflow", labels: { "app.kubernetes.io/part-of": "metaflow" } },
      type: "Opaque",
      data: { username: "metaflow", password: PASSWORD },
      depends_on: ["kubernetes_namespace_v1.metaflow"],
    });
  });

  test("reads into env vars through secretKeyRef on the Secret's name, never as a value", () => {
    const env = resolve(credentials, credentials.envFrom("MF_METADATA_DB_PSWD", credentials.passwordKey));
    expect(env).toEqual({
      name: "MF_METADATA_DB_PSWD",
      valueFrom: { secretKeyRef: { name: refTo(json, "kubernetes_secret_v1", "metadata[0].name"), key: "password" } },
    });
    expect(credentials.usernameKey).toBe("username");
    expect(Object.keys(onlyResource(json, "kubernetes_secret_v1").data).sort()).toEqual(
      [credentials.passwordKey, credentials.usernameKey].sort(),
    );
  });
});
