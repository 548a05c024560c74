// Helm releases: the values Terraform passes (YAML documents and `set` entries), read for several sections.
import { parse } from "yaml";
import { ResourceModel } from "./model";
import { blocks, list } from "./shared";

export interface HelmSet {
  readonly name: string;
  readonly value: unknown;
  readonly sensitive: boolean;
}

/** One helm_release's values: parsed YAML documents (unparseable ones skipped) and `set`/`set_sensitive` entries. */
export interface HelmValues {
  readonly documents: unknown[];
  readonly sets: HelmSet[];
  /** Documents that are not YAML (e.g. a whole-document expression). */
  readonly unparsed: string[];
}

export function isHelmRelease(r: ResourceModel): boolean {
  return r.type === "helm_release";
}

/** Parsed values documents by their text, or undefined for one that is not YAML; read-only, shared by the sections. */
const parsedDocuments = new Map<string, { document: unknown } | undefined>();

/** A values document: JSON (what this app writes, and a subset of YAML) parses many times faster as JSON. */
function parseDocument(text: string): { document: unknown } | undefined {
  if (!parsedDocuments.has(text)) {
    let parsed: { document: unknown } | undefined;
    try {
      parsed = { document: JSON.parse(text) };
    } catch {
      try {
        parsed = { document: parse(text) };
      } catch {
        parsed = undefined;
      }
    }
    parsedDocuments.set(text, parsed);
  }
  return parsedDocuments.get(text);
}

export function helmValues(r: ResourceModel): HelmValues {
  const documents: unknown[] = [];
  const unparsed: string[] = [];
  for (const text of list(r.body.values).map(String)) {
    const parsed = parseDocument(text);
    if (parsed) documents.push(parsed.document);
    else unparsed.push(text);
  }
  const entries = (value: unknown, sensitive: boolean): HelmSet[] =>
    blocks(value).map((s) => ({ name: String(s.name), value: s.value, sensitive }));
  const sets = [...entries(r.body.set, false), ...entries(r.body.set_list, false), ...entries(r.body.set_sensitive, true)];
  return { documents, sets, unparsed };
}

/** "chart@version from repository" for display. */
export function chartLabel(r: ResourceModel): string {
  const repo = r.body.repository ? ` from ${r.body.repository}` : "";
  return `${r.body.chart}${r.body.version ? `@${r.body.version}` : ""}${repo}`;
}
