// Reads a synth directory (manifest.json + stacks/<stack>/cdk.tf.json) into the review model.
import * as fs from "fs";
import * as path from "path";
import { BackendModel, EnvironmentModel, OutputModel, ResourceModel, StackModel, SynthModel } from "./model";
import { parseStackName, STACK_KINDS } from "../lib/stack-names";

/** The subset of cdktf's manifest.json the review reads. */
export interface Manifest {
  readonly version?: string;
  readonly stacks: Record<string, { name?: string; dependencies?: string[]; synthesizedStackPath: string; workingDirectory?: string }>;
}

/** A problem with the synth directory itself (missing or unreadable files). */
export class ReviewInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReviewInputError";
  }
}

function readJson(file: string): any {
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
  const manifest = readJson(path.join(dir, "manifest.json")) as Manifest;
  if (!manifest || typeof manifest.stacks !== "object") {
    throw new ReviewInputError(`${path.join(dir, "manifest.json")} has no "stacks": is this a cdktf.out directory?`);
  }
  const stacks: Record<string, any> = {};
  for (const [name, entry] of Object.entries(manifest.stacks)) {
    stacks[name] = readJson(path.join(dir, entry.synthesizedStackPath));
  }
  return synthFromJson(stacks, manifest);
}

/** Builds the model from stack JSON already in memory; without a manifest, stacks have no dependencies. */
export function synthFromJson(stacks: Record<string, any>, manifest?: Manifest): SynthModel {
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

function splitMeta(body: any): { path?: string; body: Record<string, any> } {
  const { "//": meta, ...rest } = body ?? {};
  return { path: meta?.metadata?.path, body: rest };
}

function blocks(stack: string, mode: "managed" | "data", section: any): ResourceModel[] {
  const out: ResourceModel[] = [];
  for (const [type, byName] of Object.entries<any>(section ?? {})) {
    for (const [name, raw] of Object.entries<any>(byName ?? {})) {
      const { path: constructPath, body } = splitMeta(raw);
      const address = mode === "data" ? `data.${type}.${name}` : `${type}.${name}`;
      out.push({ stack, mode, type, name, address, path: constructPath, body });
    }
  }
  return out.sort((a, b) => a.address.localeCompare(b.address));
}

function backendOf(json: any): BackendModel {
  const backend = json.terraform?.backend ?? {};
  const [type] = Object.keys(backend);
  return type ? { type, config: backend[type] ?? {} } : { type: "none", config: {} };
}

function stackModel(name: string, json: any, entry: Manifest["stacks"][string] | undefined): StackModel {
  const outputs: OutputModel[] = Object.entries<any>(json.output ?? {})
    .map(([outputName, o]) => ({ stack: name, name: outputName, value: o?.value, sensitive: o?.sensitive === true }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    name,
    env: environmentOf(name),
    dependencies: entry?.dependencies ?? [],
    workingDirectory: entry?.workingDirectory ?? `stacks/${name}`,
    json,
    resources: blocks(name, "managed", json.resource),
    dataSources: blocks(name, "data", json.data),
    outputs,
    backend: backendOf(json),
  };
}
