// Compute Engine machine types, as data. Sources, read 2026-12-06: Google's "Machine families resource and comparison
// guide" (https://cloud.google.com/compute/docs/machine-resource) and "General-purpose machine family for Compute
// Engine" (https://cloud.google.com/compute/docs/general-purpose-machines): a predefined machine type is named
// <series>-<type>-<vCPUs> (n2-standard-4 has 4 vCPUs), each series belongs to one family, and E2 and N1 add shared-core
// types (e2-micro, e2-small, e2-medium; f1-micro, g1-small). The stored copies of those pages hold their openings, not
// each series' table of sizes: the vCPU counts below are the union of two public lists made from Google's tables,
// terraform-linters/tflint-ruleset-google rules/utils.go (validMachineTypes, commit 0e702b3) and kubernetes/autoscaler
// cluster-autoscaler/cloudprovider/gce/gce_price_info.go (instancePrices, commit 0411d1c); the series taking custom
// machine types are those of the first (isCustomType).
// Accelerator-optimized types are listed by name only: the table does not record their GPUs. Left out: series newer
// than those lists (C4A, C4D, N4D, A4, G4, ...) and local-SSD and bare-metal variants (c3-standard-4-lssd,
// c3-standard-192-metal, x4-megamem-960-metal); the config's extraMachineTypes takes them until this table is updated.
// Which zones offer a series is in Google's "Available regions and zones" table, not read here: a machine type its
// zone lacks fails at apply, not at synth.
import { didYouMean } from "./errors";

/** One machine series: its family, its predefined types and whether it takes custom machine types. */
export interface MachineSeries {
  readonly family: "general-purpose" | "compute-optimized" | "memory-optimized" | "storage-optimized" | "accelerator-optimized";
  /** vCPU counts of the predefined types, by type: `standard: [2, 4]` is <series>-standard-2 and -4. */
  readonly types: Readonly<Record<string, readonly number[]>>;
  /** Types whose name does not end in their vCPUs, by full name: a2-highgpu-1g. */
  readonly named?: readonly string[];
  /** Shared-core types, named <series>-<name>: e2-micro. */
  readonly sharedCore?: readonly string[];
  /** Takes custom machine types <series>-custom-<vCPUs>-<MB> (N1's are named custom-<vCPUs>-<MB>). */
  readonly custom?: boolean;
}

const N2_SIZES = [2, 4, 8, 16, 32, 48, 64, 80, 96, 128];
const N4_SIZES = [2, 4, 8, 16, 32, 48, 64, 80];
const C3D_SIZES = [4, 8, 16, 30, 60, 90, 180, 360];
const C4_SIZES = [2, 4, 8, 16, 32, 48, 96, 192];

export const MACHINE_SERIES: Readonly<Record<string, MachineSeries>> = {
  e2: {
    family: "general-purpose",
    types: { standard: [2, 4, 8, 16, 32], highmem: [2, 4, 8, 16], highcpu: [2, 4, 8, 16, 32] },
    sharedCore: ["micro", "small", "medium"],
    custom: true,
  },
  n1: {
    family: "general-purpose",
    types: {
      standard: [1, 2, 4, 8, 16, 32, 64, 96],
      highmem: [2, 4, 8, 16, 32, 64, 96],
      highcpu: [2, 4, 8, 16, 32, 64, 96],
      megamem: [96],
      ultramem: [40, 80, 160],
    },
    custom: true,
  },
  f1: { family: "general-purpose", types: {}, sharedCore: ["micro"] },
  g1: { family: "general-purpose", types: {}, sharedCore: ["small"] },
  n2: { family: "general-purpose", types: { standard: N2_SIZES, highmem: N2_SIZES, highcpu: N2_SIZES }, custom: true },
  n2d: {
    family: "general-purpose",
    types: {
      standard: [...N2_SIZES, 224],
      highmem: [2, 4, 8, 16, 32, 48, 64, 80, 96],
      highcpu: [...N2_SIZES, 224],
    },
    custom: true,
  },
  n4: { family: "general-purpose", types: { standard: N4_SIZES, highmem: N4_SIZES, highcpu: N4_SIZES }, custom: true },
  c3: {
    family: "general-purpose",
    types: { standard: [4, 8, 22, 44, 88, 176], highmem: [4, 8, 22, 44, 88, 176], highcpu: [4, 8, 22, 44, 88, 176] },
  },
  c3d: { family: "general-purpose", types: { standard: C3D_SIZES, highmem: C3D_SIZES, highcpu: C3D_SIZES } },
  c4: { family: "general-purpose", types: { standard: C4_SIZES, highmem: C4_SIZES, highcpu: C4_SIZES } },
  t2d: { family: "general-purpose", types: { standard: [1, 2, 4, 8, 16, 32, 48, 60] } },
  t2a: { family: "general-purpose", types: { standard: [1, 2, 4, 8, 16, 32, 48] } },
  c2: { family: "compute-optimized", types: { standard: [4, 8, 16, 30, 60] } },
  c2d: {
    family: "compute-optimized",
    types: { standard: [2, 4, 8, 16, 32, 56, 112], highmem: [2, 4, 8, 16, 32, 56, 112], highcpu: [2, 4, 8, 16, 32, 56, 112] },
  },
  h3: { family: "compute-optimized", types: { standard: [88] } },
  m1: { family: "memory-optimized", types: { megamem: [96], ultramem: [40, 80, 160] } },
  m2: { family: "memory-optimized", types: { megamem: [416], hypermem: [416], ultramem: [208, 416] } },
  m3: { family: "memory-optimized", types: { megamem: [64, 128], ultramem: [32, 64, 128] } },
  z3: { family: "storage-optimized", types: { highmem: [8, 14, 22, 30, 36, 44, 88, 176] } },
  a2: {
    family: "accelerator-optimized",
    types: {},
    named: [
      ...["1g", "2g", "4g", "8g"].map((gpus) => `a2-highgpu-${gpus}`),
      "a2-megagpu-16g",
      ...["1g", "2g", "4g", "8g"].map((gpus) => `a2-ultragpu-${gpus}`),
    ],
  },
  a3: { family: "accelerator-optimized", types: {}, named: ["a3-highgpu-8g", "a3-megagpu-8g"] },
  g2: { family: "accelerator-optimized", types: { standard: [4, 8, 12, 16, 24, 32, 48, 96] } },
};

/** Every predefined and shared-core machine type of the table, by name. */
export function machineTypeNames(): string[] {
  return Object.entries(MACHINE_SERIES).flatMap(([series, s]) => [
    ...Object.entries(s.types).flatMap(([type, sizes]) => sizes.map((n) => `${series}-${type}-${n}`)),
    ...(s.named ?? []),
    ...(s.sharedCore ?? []).map((name) => `${series}-${name}`),
  ]);
}

/** Whether `name` is a machine type of the table: predefined, shared-core, or custom of a series that takes them. */
export function isMachineType(name: string): boolean {
  const custom = /^(?:([a-z0-9]+)-)?custom-[1-9]\d*-[1-9]\d*(-ext)?$/.exec(name);
  if (custom) return MACHINE_SERIES[custom[1] ?? "n1"]?.custom === true;
  return machineTypeNames().includes(name);
}

/** Why `name` is refused, or undefined for a machine type of the table or of the config's extraMachineTypes. */
export function machineTypeRule(name: string, extra: readonly string[] = []): string | undefined {
  if (isMachineType(name) || extra.includes(name)) return undefined;
  const newer = "; a newer one goes under extraMachineTypes";
  const notInTable = "is not a Compute Engine machine type in config/machine-types.ts";
  const lower = name.toLowerCase();
  if (isMachineType(lower)) return `${notInTable} (did you mean "${lower}"?)${newer}`;
  const series = /^custom-/.test(lower) ? "n1" : /^([a-z0-9]+)-/.exec(lower)?.[1];
  if (series === undefined) return `${notInTable}${didYouMean(name, machineTypeNames())}${newer}`;
  // A series outside the table may be newer than it (c4d): no guess at which known series was meant.
  const known = MACHINE_SERIES[series];
  if (known === undefined) return `${notInTable}, which has no series "${series}"${newer}`;
  if (/-custom-/.test(lower) && !known.custom) {
    return `${series} takes no custom machine types: ${listed(Object.keys(MACHINE_SERIES).filter((k) => MACHINE_SERIES[k].custom))} do`;
  }
  // A type of the series with a vCPU count it lacks gets the list of sizes, not the nearest size.
  const [, , type] = /^([a-z0-9]+)-([a-z]+)-\d+$/.exec(lower) ?? [];
  const ofSeries = machineTypeNames().filter((n) => n.startsWith(`${series}-`));
  const hint = type !== undefined && known.types[type] !== undefined ? "" : didYouMean(name, ofSeries);
  return `${notInTable}${hint}${hint === "" ? `: ${seriesOffer(series)}` : ""}${newer}`;
}

/** What a series offers: "e2 has e2-standard-<2|4|8|16|32>, ..., e2-custom-<vCPUs>-<MB>". */
function seriesOffer(series: string): string {
  const s = MACHINE_SERIES[series];
  const offer = [
    ...Object.entries(s.types).map(([type, sizes]) => `${series}-${type}-<${sizes.join("|")}>`),
    ...(s.named ?? []),
    ...(s.sharedCore ?? []).map((name) => `${series}-${name}`),
    ...(s.custom ? [series === "n1" ? "custom-<vCPUs>-<MB>" : `${series}-custom-<vCPUs>-<MB>`] : []),
  ];
  return `${series} (${s.family}) has ${offer.join(", ")}`;
}

/** "a, b and c". */
function listed(items: string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}` : items.join("");
}

/**
 * Memory per vCPU, in GB, of the predefined types of the series whose machine family page gives one ratio per type
 * (same sources as above): N1's standard 3.75, highmem 6.5, highcpu 0.9; E2, N2, N2D 4, 8 and 1; N4 4, 8 and 2.
 */
const MEMORY_PER_VCPU: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  n1: { standard: 3.75, highmem: 6.5, highcpu: 0.9 },
  e2: { standard: 4, highmem: 8, highcpu: 1 },
  n2: { standard: 4, highmem: 8, highcpu: 1 },
  n2d: { standard: 4, highmem: 8, highcpu: 1 },
  n4: { standard: 4, highmem: 8, highcpu: 2 },
};
/** Shared-core types: vCPUs as the autoscaler counts them, and memory in GB. */
const SHARED_CORE: Readonly<Record<string, { vcpus: number; memoryGb: number }>> = {
  "e2-micro": { vcpus: 2, memoryGb: 1 },
  "e2-small": { vcpus: 2, memoryGb: 2 },
  "e2-medium": { vcpus: 2, memoryGb: 4 },
  "f1-micro": { vcpus: 1, memoryGb: 0.6 },
  "g1-small": { vcpus: 1, memoryGb: 1.7 },
};

/**
 * vCPUs and memory (GB) of a machine type, as far as its name or the tables say: vCPUs of every predefined and custom
 * type, memory of custom types, shared-core types and the series of MEMORY_PER_VCPU. Undefined where unknown (a type
 * named, like a2-highgpu-1g, without its vCPUs: config/accelerators.ts has those).
 */
export function machineShape(name: string): { vcpus: number; memoryGb?: number } | undefined {
  const custom = /^(?:([a-z0-9]+)-)?custom-([1-9]\d*)-([1-9]\d*)(-ext)?$/.exec(name);
  if (custom) return { vcpus: Number(custom[2]), memoryGb: Number(custom[3]) / 1024 };
  if (SHARED_CORE[name]) return SHARED_CORE[name];
  const predefined = /^([a-z0-9]+)-([a-z]+)-(\d+)$/.exec(name);
  if (!predefined) return undefined;
  const [, series, type, n] = predefined;
  const ratio = MEMORY_PER_VCPU[series]?.[type];
  return { vcpus: Number(n), memoryGb: ratio === undefined ? undefined : ratio * Number(n) };
}
