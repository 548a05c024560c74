// Reads a synth directory (manifest.json + stacks/<stack>/cdk.tf.json) into the review model.
import * as fs from "fs";
import * as path from "path";
import { BackendModel, EnvironmentModel, JsonObject, OutputModel, ResourceModel, StackModel, SynthModel, TerraformJson } from "./model";
import { isRecord, record, str } from "./shared";
import { parseStackName, STACK_KINDS } from "../lib/stack-names";

/** The subset of cdktf's manifest.json the review reads. */
export interface Manifest {
  readonly version?: string;
  readonly stacks: Record<string, { name?: string; dependencies?: string[]; synthesizedStackPath: string; workingDirectory?: string }>;
}

function isManifest(value: unknown): value is Manifest {
  return isRecord(value) && typeof value.stacks === "object";
}

/** A problem with the synth directory itself (missing or unreadable files). */
export class ReviewInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReviewInputError";
  }
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new ReviewInputError(`cannot read ${file}: run \`npm run synth\` first (or pass the right --out/--against)`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ReviewInputError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Loads a synth directory such as `cdktf.out`. */
export function loadSynthDir(dir: string): SynthModel {
  const manifest = readJson(path.join(dir, "manifest.json"));
  if (!isManifest(manifest)) {
    throw new ReviewInputError(`${path.join(dir, "manifest.json")} has no "stacks": is this a cdktf.out directory?`);
  }
  const stacks: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(manifest.stacks)) {
    stacks[name] = readJson(path.join(dir, entry.synthesizedStackPath));
  }
  return synthFromJson(stacks, manifest);
}

/** Builds the model from stack JSON already in memory; without a manifest, stacks have no dependencies. */
export function synthFromJson(stacks: Record<string, unknown>, manifest?: Manifest): SynthModel {
  const names = Object.keys(stacks).sort(compareStackNames);
  return {
    version: manifest?.version ?? "unknown",
    stacks: names.map((name) => stackModel(name, stacks[name], manifest?.stacks[name])),
  };
}

/** Environment of a stack: "dev-infra" and "dev-services" both belong to "dev". */
export function environmentOf(stackName: string): string {
  return parseStackName(stackName)?.env ?? stackName;
}

/** Infra before services within an environment, environments alphabetically. */
function compareStackNames(a: string, b: string): number {
  const rank = (name: string) => {
    const kind = parseStackName(name)?.kind;
    return kind ? STACK_KINDS.indexOf(kind) : STACK_KINDS.length;
  };
  const byEnv = environmentOf(a).localeCompare(environmentOf(b));
  return byEnv !== 0 ? byEnv : rank(a) - rank(b) || a.localeCompare(b);
}

/** The environments of a synth, alphabetically, each with its stacks. */
export function environments(synth: SynthModel): EnvironmentModel[] {
  const names = [...new Set(synth.stacks.map((s) => s.env))].sort();
  return names.map((name) => ({ name, stacks: synth.stacks.filter((s) => s.env === name), synth }));
}

function splitMeta(body: unknown): { path?: string; body: JsonObject } {
  const { "//": meta, ...rest } = record(body);
  return { path: str(record(record(meta).metadata).path), body: rest };
}

function resourceModels(stack: string, mode: "managed" | "data", section: TerraformJson["resource"]): ResourceModel[] {
  const out: ResourceModel[] = [];
  for (const [type, byName] of Object.entries(section ?? {})) {
    for (const [name, raw] of Object.entries(byName ?? {})) {
      const { path: constructPath, body } = splitMeta(raw);
      const address = mode === "data" ? `data.${type}.${name}` : `${type}.${name}`;
      out.push({ stack, mode, type, name, address, path: constructPath, body });
    }
  }
  return out.sort((a, b) => a.address.localeCompare(b.address));
}

function backendOf(json: TerraformJson): BackendModel {
  const backend = json.terraform?.backend ?? {};
  const [type] = Object.keys(backend);
  return type ? { type, config: backend[type] ?? {} } : { type: "none", config: {} };
}

// The synth's own output: its top-level blocks are taken to have cdktf's shape; their contents are checked where read.
const terraformJson = (value: unknown): TerraformJson => (isRecord(value) ? value : {});

function stackModel(name: string, raw: unknown, entry: Manifest["stacks"][string] | undefined): StackModel {
  const json = terraformJson(raw);
  const outputs: OutputModel[] = Object.entries(json.output ?? {})
    .map(([outputName, o]) => ({ stack: name, name: outputName, value: o?.value, sensitive: o?.sensitive === true }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    name,
    env: environmentOf(name),
    dependencies: entry?.dependencies ?? [],
    workingDirectory: entry?.workingDirectory ?? `stacks/${name}`,
    json,
    resources: resourceModels(name, "managed", json.resource),
    dataSources: resourceModels(name, "data", json.data),
    outputs,
    backend: backendOf(json),
  };
}
