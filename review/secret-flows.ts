// Secrets read by reference: which references read secret material (following remote state into the stack that
// wrote it), and where they flow, with the flags a use in plain sight raises.
import { isHelmRelease } from "./helm";
import { EnvironmentModel, Flag, ResourceModel, StackModel } from "./model";
import { Ref, refsIn, refsInString, remoteOutput, walkStrings } from "./refs";

export const SECRETS = "Secrets";

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
export function secretsIn(env: EnvironmentModel, stack: StackModel, value: unknown): string[] {
  return [
    ...new Set(
      refsIn(value)
        .map((r) => secretSource(env, stack, r))
        .filter((s): s is string => s !== undefined),
    ),
  ];
}

/** One place a secret is used: an argument of a resource or a provider configuration. */
export interface SecretUse {
  readonly stack: string;
  readonly at: string;
  readonly source: string;
  readonly flags: Flag[];
}

/** The secrets a resource's arguments read, each with the flags its place there raises. */
function resourceUses(env: EnvironmentModel, stack: StackModel, r: ResourceModel): SecretUse[] {
  const uses: SecretUse[] = [];
  walkStrings(r.body, (s, at) => {
    for (const ref of refsInString(s)) {
      const source = secretSource(env, stack, ref);
      if (!source) continue;
      const flags: Flag[] = [];
      const w = r.path ?? r.address;
      if (/^kubernetes_config_map(_v1)?$/.test(r.type)) {
        flags.push({ severity: "loud", section: SECRETS, message: `secret stored in a ConfigMap (${source})`, where: w });
      } else if (
        /^kubernetes_(deployment|stateful_set|daemon_set|job|cron_job|pod)(_v1)?$/.test(r.type) &&
        /\.env\[\d+\]\.value$/.test(at)
      ) {
        flags.push({
          severity: "warn",
          section: SECRETS,
          message: `secret in a plain container env value, readable in the workload spec; use value_from.secret_key_ref (${source})`,
          where: w,
        });
      } else if (isHelmRelease(r) && /^(values|set\[)/.test(at)) {
        flags.push({
          severity: "warn",
          section: SECRETS,
          message: `secret passed to Helm outside set_sensitive, shown in Helm's stored values (${source})`,
          where: w,
        });
      }
      uses.push({ stack: stack.name, at: `${r.address}.${at}`, source, flags });
    }
  });
  return uses;
}

/** The secrets provider configurations read (a cluster's credentials, an access token). */
function providerUses(env: EnvironmentModel, stack: StackModel): SecretUse[] {
  const uses: SecretUse[] = [];
  for (const [name, configs] of Object.entries(stack.json.provider ?? {})) {
    walkStrings(configs, (s, at) => {
      for (const ref of refsInString(s)) {
        const source = secretSource(env, stack, ref);
        if (source) uses.push({ stack: stack.name, at: `provider ${name}${at.replace(/^\[0\]/, "")}`, source, flags: [] });
      }
    });
  }
  return uses;
}

/** Every use of a secret in a stack: its resources' arguments, then its provider configurations. */
export function secretUses(env: EnvironmentModel, stack: StackModel): SecretUse[] {
  return [...stack.resources.flatMap((r) => resourceUses(env, stack, r)), ...providerUses(env, stack)];
}
