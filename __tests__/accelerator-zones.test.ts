// The table of zones that offer each GPU model (config/accelerator-zones.ts, from skypilot-org/skypilot-catalog
// catalogs/v7/gcp/vms.csv at 017e2502fb63c7a28757acd94002b2d6099d3e3d): its shape, against the other tables.
import { ACCELERATOR_ZONES, zonesOffering } from "../config/accelerator-zones";
import { ACCELERATOR_TYPES } from "../config/accelerators";
import { zonesOf, REGION_ZONES } from "../config/regions";

const knownZones = new Set(Object.keys(REGION_ZONES).flatMap((region) => zonesOf(region)));

test("every accelerator type a pool may name has its zones, and the table names no other", () => {
  expect(Object.keys(ACCELERATOR_ZONES).sort()).toEqual([...ACCELERATOR_TYPES].sort());
  for (const type of ACCELERATOR_TYPES) expect(ACCELERATOR_ZONES[type].length).toBeGreaterThan(0);
});

test.each(Object.entries(ACCELERATOR_ZONES))("%s: zones sorted, once each, every one a zone of config/regions.ts", (_type, zones) => {
  expect([...zones]).toEqual([...new Set(zones)].sort());
  expect(zones.filter((zone) => !knownZones.has(zone))).toEqual([]);
});

test("acceleratorZones adds zones to the table's, each once", () => {
  const t4 = ACCELERATOR_ZONES["nvidia-tesla-t4"];
  expect(t4).toContain("us-central1-a");
  expect(t4).not.toContain("us-east1-b");
  expect(zonesOffering("nvidia-tesla-t4", { "nvidia-tesla-t4": ["us-east1-b", "us-central1-a"] })).toEqual([...t4, "us-east1-b"]);
  expect(zonesOffering("nvidia-tesla-t4")).toEqual(t4);
});
