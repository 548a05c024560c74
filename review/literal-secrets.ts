// Secrets written as literals: secret-named keys with literal values, PEM private keys and service account key files.
import { helmValues, isHelmRelease } from "./helm";
import { Flag, StackModel } from "./model";
import { isLiteral, walkStrings } from "./refs";
import { SECRETS as TITLE } from "./secret-flows";
import { walkKeys } from "./shared";

// Names of keys whose literal value would be a secret; "existingSecret"-style names of secrets are not.
const SECRET_KEY =
  /^(password|passwd|pass|secret|token|apikey|privatekey|clientsecret|accesstoken|authtoken|secretkey|secretaccesskey|credentials?)$|(password|passwd|privatekey|apikey|accesstoken|authtoken|clientsecret|secretaccesskey)$/;
const PEM_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
const SA_KEY_JSON = /"type"\s*:\s*"service_account"|"private_key_id"\s*:/;

/** True when a key (JSON attribute, env var name, Helm value path segment) names a secret value. */
export function isSecretKey(key: string): boolean {
  const last =
    key
      .split(/[.[\]]/)
      .filter(Boolean)
      .pop() ?? key;
  return SECRET_KEY.test(last.toLowerCase().replace(/[-_]/g, ""));
}

/** Literal secrets anywhere in a stack's JSON: secret-named keys with literal values, PEM keys, SA key files. */
export function literalSecrets(stack: StackModel): Flag[] {
  const flags: Flag[] = [];
  const loud = (message: string, where: string) => flags.push({ severity: "loud", section: TITLE, message, where });
  const scan = (value: unknown, where: string) => {
    walkStrings(value, (s, at) => {
      if (PEM_KEY.test(s)) loud(`private key (PEM) written literally at ${at}`, where);
      else if (SA_KEY_JSON.test(s)) loud(`service account key file written literally at ${at}`, where);
    });
    walkKeys(
      value,
      (key, v, at, parent) => {
        if (!isLiteral(v) || v === "") return;
        // {name: "DB_PASSWORD", value: "..."}: env vars and Helm `set` entries carry the name beside the value.
        const named = key === "value" && typeof parent.name === "string" && isSecretKey(parent.name);
        if (isSecretKey(key) || named) loud(`literal secret at ${at}`, where);
      },
      ["//"],
    );
  };
  for (const r of [...stack.resources, ...stack.dataSources]) {
    scan(r.body, r.path ?? r.address);
    if (isHelmRelease(r)) {
      for (const doc of helmValues(r).documents) {
        walkKeys(doc, (key, v, at) => {
          if (isLiteral(v) && v !== "" && isSecretKey(key)) loud(`literal secret in Helm values at ${at}`, r.path ?? r.address);
        });
      }
    }
  }
  scan(stack.json.provider, `${stack.name} providers`);
  scan(stack.json.output, `${stack.name} outputs`);
  for (const [name, v] of Object.entries(stack.json.variable ?? {})) scan({ default: v?.default }, `var.${name}`);
  return flags;
}
