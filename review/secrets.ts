// Secrets: where each is generated, where it flows, which outputs carry it, and any secret written as a literal.
import { describeBackend } from "./inventory";
import { literalSecrets } from "./literal-secrets";
import { code, flagCell, flagList, paragraphs, table, truncate } from "./markdown";
import { Flag, ResourceModel, Section, SectionContext, StackModel } from "./model";
import { display, readable } from "./refs";
import { SECRETS as TITLE, SecretUse, secretUses, secretsIn } from "./secret-flows";
import { block, record } from "./shared";

export { isSecretKey, literalSecrets } from "./literal-secrets";
export { secretSource } from "./secret-flows";

/** Resource types that generate or hold a secret. */
const GENERATORS =
  /^(random_password|google_service_account_key|tls_private_key|kubernetes_secret(_v1)?|google_secret_manager_secret_version)$/;

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

/** A service-account key never expires, and secure-by-default organisations refuse to create one. */
function keyWarning(r: ResourceModel): Flag {
  return {
    severity: "warn",
    section: TITLE,
    message:
      "a service-account key: a credential that never expires, kept in state; organisations created since May 2024 refuse to create one (iam.disableServiceAccountKeyCreation). Impersonation (identity.impersonators) needs none",
    where: r.path ?? r.address,
    label: "long-lived key",
  };
}

export function secretsSection({ env, acknowledge }: SectionContext): Section {
  const flags: Flag[] = [];
  const generated: string[][] = [];
  const uses: SecretUse[] = [];
  const outputs: string[][] = [];
  for (const stack of env.stacks) {
    for (const r of stack.resources) {
      if (!GENERATORS.test(r.type)) continue;
      const own = acknowledge(r.type === "google_service_account_key" ? [keyWarning(r)] : []);
      flags.push(...own);
      generated.push([...generatorRow(stack, r), flagCell(own)]);
    }
    uses.push(...secretUses(env, stack));
    for (const o of stack.outputs) {
      const sources = secretsIn(env, stack, o.value);
      const found: Flag[] = [];
      if (sources.length > 0 && !o.sensitive) {
        found.push({
          severity: "loud",
          section: TITLE,
          message: `output ${o.name} is not sensitive but carries a secret (${sources.join(", ")})`,
          where: `${stack.name} output ${o.name}`,
          label: "NOT SENSITIVE but carries a secret",
        });
      }
      const own = acknowledge(found);
      flags.push(...own);
      outputs.push([
        code(stack.name),
        code(o.name),
        o.sensitive ? "yes" : "no",
        sources.length > 0 ? sources.map(code).join("<br>") : "—",
        code(truncate(readable(stack, o.value), 90)),
        flagCell(own),
      ]);
    }
    flags.push(...acknowledge(literalSecrets(stack)));
  }
  const marked = uses.map((u) => ({ ...u, flags: acknowledge(u.flags) }));
  for (const u of marked) flags.push(...u.flags);
  const useRows = marked.map((u) => [code(u.source), code(u.at), flagCell(u.flags)]);
  const state = env.stacks.map((s) => `${code(s.name)}: ${describeBackend(s.backend)}`).join("; ");
  const markdown = paragraphs(
    flagList(flags),
    `Terraform state holds every generated secret in plain text: ${state}.`,
    "#### Generated or stored here",
    table(["Type", "What", "Stored in", "Defined at", "Flags"], generated),
    "#### Where secrets flow",
    table(["Secret", "Used at", "Flags"], useRows),
    "#### Outputs",
    table(["Stack", "Output", "Sensitive", "Secret read", "Value", "Flags"], outputs, "_No outputs._"),
  );
  return { title: TITLE, markdown, flags };
}
