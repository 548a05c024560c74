// GPUs of GKE node pools, as data. Source: Compute Engine "GPU machine types"
// (https://cloud.google.com/compute/docs/gpus), stored copy read 2026-12: the accelerator-optimized series carry a fixed
// model and number of GPUs per machine type (G2: NVIDIA L4, e.g. g2-standard-4 has 1 GPU, 4 vCPUs, 16 GB; A2 Standard:
// A100 40GB; A2 Ultra: A100 80GB; A3 High: H100 80GB; A3 Mega: H100 80GB Mega, a3-highgpu-8g has 8 GPUs), and N1
// general-purpose types other than the shared-core f1-micro and g1-small take a select set attached in fixed counts.
// GPUs cannot be used with other machine series ("About GPUs", https://cloud.google.com/compute/docs/gpus/about-gpus).
// Which zones offer each GPU is in config/accelerator-zones.ts.

/** GPUs N1 machine types take, with the counts one VM may have. */
export const N1_ACCELERATORS: Readonly<Record<string, readonly number[]>> = {
  "nvidia-tesla-t4": [1, 2, 4],
  "nvidia-tesla-p4": [1, 2, 4],
  "nvidia-tesla-v100": [1, 2, 4, 8],
  "nvidia-tesla-p100": [1, 2, 4],
};

/** A machine type with GPUs built in: its GPU model and count, vCPUs and memory. */
export interface BuiltInGpus {
  readonly type: string;
  readonly count: number;
  readonly vcpus: number;
  readonly memoryGb: number;
}

const a2 = (type: string, count: number, memoryPerGpu: number): BuiltInGpus => ({
  type,
  count,
  vcpus: 12 * Math.min(count, 8),
  memoryGb: memoryPerGpu * count,
});

/** Accelerator-optimized machine types of config/machine-types.ts, by name. */
export const BUILT_IN_GPUS: Readonly<Record<string, BuiltInGpus>> = {
  ...Object.fromEntries(
    [
      [4, 1],
      [8, 1],
      [12, 1],
      [16, 1],
      [24, 2],
      [32, 1],
      [48, 4],
      [96, 8],
    ].map(([vcpus, count]) => [`g2-standard-${vcpus}`, { type: "nvidia-l4", count, vcpus, memoryGb: 4 * vcpus }]),
  ),
  ...Object.fromEntries([1, 2, 4, 8].map((n) => [`a2-highgpu-${n}g`, a2("nvidia-tesla-a100", n, 85)])),
  "a2-megagpu-16g": { type: "nvidia-tesla-a100", count: 16, vcpus: 96, memoryGb: 1360 },
  ...Object.fromEntries([1, 2, 4, 8].map((n) => [`a2-ultragpu-${n}g`, a2("nvidia-a100-80gb", n, 170)])),
  "a3-highgpu-8g": { type: "nvidia-h100-80gb", count: 8, vcpus: 208, memoryGb: 1872 },
  "a3-megagpu-8g": { type: "nvidia-h100-mega-80gb", count: 8, vcpus: 208, memoryGb: 1872 },
};

/** Every accelerator type a node pool may name. */
export const ACCELERATOR_TYPES: readonly string[] = [
  ...Object.keys(N1_ACCELERATORS),
  ...new Set(Object.values(BUILT_IN_GPUS).map((g) => g.type)),
];

/** Why an accelerator does not fit a machine type, or undefined when it does. */
export function acceleratorRule(machineType: string, accelerator: { type: string; count: number }): string | undefined {
  const builtIn = BUILT_IN_GPUS[machineType];
  if (builtIn !== undefined) {
    if (builtIn.type !== accelerator.type || builtIn.count !== accelerator.count) {
      return `${machineType} has ${builtIn.count} ${builtIn.type} built in: set accelerator to { "type": "${builtIn.type}", "count": ${builtIn.count} }`;
    }
    return undefined;
  }
  const counts = N1_ACCELERATORS[accelerator.type];
  const n1 = /^(n1-|custom-)/.test(machineType);
  if (counts === undefined) {
    const series = Object.entries(BUILT_IN_GPUS).find(([, g]) => g.type === accelerator.type)?.[0];
    return `${accelerator.type} comes built into accelerator-optimized machine types (such as ${series}), not attached to ${machineType}`;
  }
  if (!n1) {
    return `${accelerator.type} attaches only to N1 machine types (n1-standard-<n>, n1-highmem-<n>, custom-<vCPUs>-<MB>); ${machineType} takes no GPU`;
  }
  if (!counts.includes(accelerator.count))
    return `${accelerator.type} attaches ${counts.join(", ")} at a time to an N1 VM, not ${accelerator.count}`;
  return undefined;
}
