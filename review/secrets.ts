// Secrets: where each is generated, where it flows, which outputs carry it, and any secret written as a literal.
import { helmValues, isHelmRelease } from "./helm";
import { describeBackend } from "./inventory";
import { code, flagCell, flagList, paragraphs, table, truncate } from "./markdown";
import { EnvironmentModel, Flag, ResourceModel, Section, SectionContext, StackModel } from "./model";
import { Ref, display, isLiteral, refsIn, refsInString, remoteOutput, walkStrings } from "./refs";
import { block, record, walkKeys } from "./shared";

const TITLE = "Secrets";

// Attributes that hold secret material, by mode and type.
const SECRET_ATTRS: { mode: Ref["mode"]; type: RegExp; attr: RegExp }[] = [
  { mode: "managed", type: /^random_password$/, attr: /^(result|bcrypt_hash)\b/ },
  { mode: "managed", type: /^google_service_account_key$/, attr: /^private_key\b/ },
  { mode: "managed", type: /^google_sql_user$/, attr: /^password\b/ },
  { mode: "managed", type: /^tls_private_key$/, attr: /^private_key/ },
  { mode: "managed", type: /^kubernetes_secret(_v1)?$/, attr: /^(data|binary_data)\b/ },
  { mode: "managed", type: /^google_secret_manager_secret_version$/, attr: /^secret_data\b/ },
  { mode: "managed", type: /^google_container_cluster$/, attr: /client_key/ },
  { mode: "data", type: /^google_client_config$/, attr: /^access_token\b/ },
  { mode: "data", type: /^google_service_account_access_token$/, attr: /^access_token\b/ },
  { mode: "data", type: /^google_secret_manager_secret_version(_access)?$/, attr: /^secret_data\b/ },
  { mode: "data", type: /^kubernetes_secret(_v1)?$/, attr: /^(data|binary_data)\b/ },
];

/** Resource types that generate or hold a secret. */
const GENERATORS =
  /^(random_password|google_service_account_key|tls_private_key|kubernetes_secret(_v1)?|google_secret_manager_secret_version)$/;

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

/**
 * What secret a reference reads, following remote state into the stack that wrote it; undefined when
 * it is not a secret. A remote output marked sensitive counts as a secret whatever it holds.
 */
export function secretSource(env: EnvironmentModel, stack: StackModel, ref: Ref, seen = new Set<string>()): string | undefined {
  const key = `${stack.name}:${ref.text}`;
  if (seen.has(key)) return undefined;
  seen.add(key);
  if (SECRET_ATTRS.some((s) => s.mode === ref.mode && s.type.test(ref.type) && s.attr.test(ref.attr))) return ref.text;
  if (ref.mode === "var") {
    const variable = stack.json.variable?.[ref.name];
    return variable?.sensitive === true ? `${ref.text} (sensitive variable)` : undefined;
  }
  const hit = remoteOutput(env.synth, stack, ref);
  if (!hit) return undefined;
  for (const inner of refsIn(hit.output.value)) {
    const source = secretSource(env, hit.stack, inner, seen);
    if (source) return `${hit.stack.name} output ${hit.output.name} <- ${source}`;
  }
  return hit.output.sensitive ? `${hit.stack.name} output ${hit.output.name} (sensitive)` : undefined;
}

/** The secrets an arbitrary JSON value reads. */
function secretsIn(env: EnvironmentModel, stack: StackModel, value: unknown): string[] {
  return [
    ...new Set(
      refsIn(value)
        .map((r) => secretSource(env, stack, r))
        .filter((s): s is string => s !== undefined),
    ),
  ];
}

interface Use {
  readonly stack: string;
  readonly at: string;
  readonly source: string;
  readonly flags: Flag[];
}

function usesIn(env: EnvironmentModel, stack: StackModel, r: ResourceModel): Use[] {
  const uses: Use[] = [];
  walkStrings(r.body, (s, at) => {
    for (const ref of refsInString(s)) {
      const source = secretSource(env, stack, ref);
      if (!source) continue;
      const flags: Flag[] = [];
      const w = r.path ?? r.address;
      if (/^kubernetes_config_map(_v1)?$/.test(r.type)) {
        flags.push({ severity: "loud", section: TITLE, message: `secret stored in a ConfigMap (${source})`, where: w });
      } else if (
        /^kubernetes_(deployment|stateful_set|daemon_set|job|cron_job|pod)(_v1)?$/.test(r.type) &&
        /\.env\[\d+\]\.value$/.test(at)
      ) {
        flags.push({
          severity: "warn",
          section: TITLE,
          message: `secret in a plain container env value, readable in the workload spec; use value_from.secret_key_ref (${source})`,
          where: w,
        });
      } else if (isHelmRelease(r) && /^(values|set\[)/.test(at)) {
        flags.push({
          severity: "warn",
          section: TITLE,
          message: `secret passed to Helm outside set_sensitive, shown in Helm's stored values (${source})`,
          where: w,
        });
      }
      uses.push({ stack: stack.name, at: `${r.address}.${at}`, source, flags });
    }
  });
  return uses;
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

function generatorRow(stack: StackModel, r: ResourceModel): string[] {
  const b = r.body;
  const what =
    r.type === "random_password"
      ? `${b.length ?? "?"} characters${b.special === false ? ", no special characters" : ""}`
      : r.type === "google_service_account_key"
        ? `key of ${code(display(b.service_account_id))}`
        : r.type.startsWith("kubernetes_secret")
          ? `Secret ${code(`${display(block(b.metadata).namespace ?? "default")}/${display(block(b.metadata).name)}`)}, keys ${
              Object.keys(record(b.data)).map(code).join(", ") || "none"
            }`
          : display(b.algorithm ?? "");
  const stored = r.type.startsWith("kubernetes_secret") ? `the cluster, and ${stack.name} state` : `${stack.name} state`;
  return [code(r.type), what, stored, code(r.path ?? r.address)];
}

export function secretsSection({ env }: SectionContext): Section {
  const flags: Flag[] = [];
  const generated: string[][] = [];
  const uses: Use[] = [];
  const outputs: string[][] = [];
  for (const stack of env.stacks) {
    for (const r of stack.resources) {
      if (GENERATORS.test(r.type)) generated.push(generatorRow(stack, r));
      uses.push(...usesIn(env, stack, r));
    }
    for (const p of Object.entries(stack.json.provider ?? {})) {
      walkStrings(p[1], (s, at) => {
        for (const ref of refsInString(s)) {
          const source = secretSource(env, stack, ref);
          if (source) uses.push({ stack: stack.name, at: `provider ${p[0]}${at.replace(/^\[0\]/, "")}`, source, flags: [] });
        }
      });
    }
    for (const o of stack.outputs) {
      const sources = secretsIn(env, stack, o.value);
      const own: Flag[] = [];
      if (sources.length > 0 && !o.sensitive) {
        own.push({
          severity: "loud",
          section: TITLE,
          message: `output ${o.name} is not sensitive but carries a secret (${sources.join(", ")})`,
          where: `${stack.name} output ${o.name}`,
          label: "NOT SENSITIVE but carries a secret",
        });
      }
      flags.push(...own);
      outputs.push([
        code(stack.name),
        code(o.name),
        o.sensitive ? "yes" : "no",
        sources.length > 0 ? sources.map(code).join("<br>") : "—",
        code(truncate(display(o.value), 90)),
        flagCell(own),
      ]);
    }
    flags.push(...literalSecrets(stack));
  }
  for (const u of uses) flags.push(...u.flags);
  const useRows = uses.map((u) => [code(u.source), code(u.at), flagCell(u.flags)]);
  const state = env.stacks.map((s) => `${code(s.name)}: ${describeBackend(s.backend)}`).join("; ");
  const markdown = paragraphs(
    flagList(flags),
    `Terraform state holds every generated secret in plain text: ${state}.`,
    "#### Generated or stored here",
    table(["Type", "What", "Stored in", "Defined at"], generated),
    "#### Where secrets flow",
    table(["Secret", "Used at", "Flags"], useRows),
    "#### Outputs",
    table(["Stack", "Output", "Sensitive", "Secret read", "Value", "Flags"], outputs, "_No outputs._"),
  );
  return { title: TITLE, markdown, flags };
}
