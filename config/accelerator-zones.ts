// Which zones offer each GPU model of config/accelerators.ts, as data. Google's "GPU regions and zones" table
// (https://cloud.google.com/compute/docs/gpus/gpu-regions-zones) had no readable copy, so the facts come from the
// public catalog SkyPilot builds from Compute Engine's API: skypilot-org/skypilot-catalog, catalogs/v7/gcp/vms.csv at
// commit 017e2502fb63c7a28757acd94002b2d6099d3e3d, read 2026-12-06 (the commit's own date was not available where
// the table was derived). Its fetcher (skypilot-org/skypilot v0.14.1, sky/catalog/data_fetchers/fetch_gcp.py) lists
// `acceleratorTypes` zone by zone and writes one row per model, GPU count and zone, dropping a row whose region has no
// price for the model and the virtual-workstation (-vws) types. It names a model by removing "nvidia-" and "tesla-"
// and upper-casing (nvidia-tesla-t4 -> T4, nvidia-a100-80gb -> A100-80GB), except nvidia-h100-80gb -> H100 and
// nvidia-h100-mega-80gb -> H100-MEGA. Each line below is the zones of the model's one-GPU rows (H100-MEGA: its
// eight-GPU rows, the only count it has), written `<region>-<zone letters>`. A snapshot: Google adds zones, and the
// config's `acceleratorZones` extends this table as `extraZones` extends config/regions.ts.
const OFFERED: Readonly<Record<string, string>> = {
  "nvidia-tesla-t4":
    "asia-east1-a,c asia-east2-a,c asia-northeast1-a,c asia-northeast3-b,c asia-south1-a,b asia-southeast1-a,b,c asia-southeast2-a,b australia-southeast1-a,c europe-central2-b,c europe-west1-b,c,d europe-west2-a,b europe-west3-b europe-west4-a,b,c me-west1-b,c northamerica-northeast1-c southamerica-east1-a,c us-central1-a,b,c,f us-east1-c,d us-east4-a,b,c us-west1-a,b us-west2-b,c us-west3-b us-west4-a,b",
  "nvidia-tesla-p4":
    "asia-southeast1-b,c australia-southeast1-a,b europe-west4-b,c northamerica-northeast1-a,b,c us-central1-a,c us-east4-a,b,c us-west2-b,c",
  "nvidia-tesla-v100": "asia-east1-c europe-west4-a,b,c us-central1-a,b,c,f us-east1-c us-west1-a,b",
  "nvidia-tesla-p100": "asia-east1-a,c australia-southeast1-b europe-west1-b,d europe-west4-a us-central1-c,f us-east1-b,c us-west1-a,b",
  "nvidia-l4":
    "asia-east1-a,b,c asia-northeast1-a,b,c asia-northeast3-a,b asia-south1-a,b,c asia-southeast1-a,b,c europe-west1-b,c europe-west2-a,b europe-west3-a,b europe-west4-a,b,c europe-west6-b,c me-central2-a,c northamerica-northeast1-b northamerica-northeast2-a,b us-central1-a,b,c us-east1-b,c,d us-east4-a,c us-west1-a,b,c us-west4-a,c",
  "nvidia-tesla-a100":
    "asia-northeast1-a,c asia-northeast3-a,b asia-southeast1-b,c europe-west4-a,b me-west1-a,c us-central1-a,b,c,f us-east1-b us-west1-b us-west3-b us-west4-b",
  "nvidia-a100-80gb": "asia-southeast1-c europe-west4-a us-central1-a,c us-east4-c us-east5-a,b",
  "nvidia-h100-80gb":
    "asia-east1-c asia-northeast1-b asia-northeast3-a,c asia-south1-c asia-southeast1-b,c australia-southeast1-c europe-north1-c europe-west1-b,c europe-west2-b europe-west3-a,c europe-west4-b,c northamerica-northeast2-c us-central1-a,b,c us-east4-a,b,c us-east5-a us-west1-a,b us-west4-a",
  "nvidia-h100-mega-80gb":
    "asia-northeast1-b asia-northeast3-a,c asia-south1-c asia-southeast1-b,c australia-southeast1-c europe-west1-b,c europe-west3-a,c europe-west4-b,c northamerica-northeast2-c us-central1-a,b,c us-east4-a,b,c us-east5-a us-west1-a,b us-west4-a",
};

/** "us-central1-a,b" -> ["us-central1-a", "us-central1-b"]. */
function expand(group: string): string[] {
  const m = /^([a-z]+-[a-z]+[0-9]+)-([a-z](?:,[a-z])*)$/.exec(group);
  if (m === null) throw new Error(`config/accelerator-zones.ts: "${group}" is not <region>-<letters>`);
  return m[2].split(",").map((letter) => `${m[1]}-${letter}`);
}

/** Zones that offer each accelerator type, by full zone name, sorted. */
export const ACCELERATOR_ZONES: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.entries(OFFERED).map(([type, groups]) => [type, groups.split(" ").flatMap(expand)]),
);

/** Zones that offer a GPU model: the table's and those the config's `acceleratorZones` adds. */
export function zonesOffering(type: string, acceleratorZones: Readonly<Partial<Record<string, readonly string[]>>> = {}): string[] {
  const known = ACCELERATOR_ZONES[type] ?? [];
  return [...known, ...(acceleratorZones[type] ?? []).filter((zone) => !known.includes(zone))];
}
