// Inventory: what each stack creates and reads, its providers and pinned versions, and where its state lives.
import { code, paragraphs, table } from "./markdown";
import { BackendModel, Flag, Section, SectionContext } from "./model";
import { list } from "./shared";

const TITLE = "Inventory";

/** Backend as one line, e.g. "gcs: bucket `b`, prefix `p`". */
export function describeBackend(backend: BackendModel): string {
  const settings = Object.entries(backend.config)
    .filter(([, v]) => typeof v !== "object")
    .map(([k, v]) => `${k} ${code(String(v))}`)
    .join(", ");
  const note = backend.type === "local" || backend.type === "none" ? " (a file on this machine, not shared)" : "";
  return `${code(backend.type)}${settings ? `: ${settings}` : ""}${note}`;
}

/** A version constraint that does not pin one exact version. */
export function isFloatingVersion(version: string | undefined): boolean {
  return !version || !/^=?\s*v?\d+\.\d+\.\d+(-[\w.]+)?$/.test(version.trim());
}

export function inventorySection({ env, acknowledge }: SectionContext): Section {
  const flags: Flag[] = [];
  const parts: string[] = [];
  for (const stack of env.stacks) {
    const counts = new Map<string, number>();
    for (const r of stack.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    const dataCounts = new Map<string, number>();
    for (const d of stack.dataSources) dataCounts.set(d.type, (dataCounts.get(d.type) ?? 0) + 1);
    const rows = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => [code(type), String(n)]);
    const dataRows = [...dataCounts].sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => [code(`data.${type}`), String(n)]);

    const required = stack.json.terraform?.required_providers ?? {};
    const providerRows = Object.keys({ ...required, ...(stack.json.provider ?? {}) })
      .sort()
      .map((name) => {
        const version = required[name]?.version;
        if (isFloatingVersion(version)) {
          flags.push({
            severity: "warn",
            section: TITLE,
            message: `provider ${name} is not pinned to one version (${version ?? "no version"})`,
            where: stack.name,
          });
        }
        const configs = list(stack.json.provider?.[name]).length;
        return [code(name), code(required[name]?.source ?? name), version ? code(version) : "**unpinned**", String(configs)];
      });

    const deps = stack.dependencies.length > 0 ? stack.dependencies.map(code).join(", ") : "none";
    parts.push(
      paragraphs(
        `### ${code(stack.name)}`,
        `${counted(stack.resources.length, "resource")}, ${counted(stack.dataSources.length, "data source")}, ` +
          `${counted(stack.outputs.length, "output")}. ` +
          `Deploys after: ${deps}. Backend: ${describeBackend(stack.backend)}.`,
        table(["Resource type", "Count"], [...rows, ...dataRows], "_No resources._"),
        table(["Provider", "Source", "Version", "Configurations"], providerRows, "_No providers._"),
      ),
    );
  }
  return { title: TITLE, markdown: paragraphs(`cdktf ${code(env.synth.version)}.`, ...parts), flags: acknowledge(flags) };
}

/** "1 data source", "2 data sources". */
function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
