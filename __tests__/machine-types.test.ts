// The machine type table (config/machine-types.ts) against the code that reads machine type names elsewhere.
import { DEFAULTS } from "../lib/defaults";
import { isMachineType, MACHINE_SERIES, machineTypeNames } from "../config/machine-types";
import { machineVcpus } from "../preflight/quotas";

test("the default machine type is in the table", () => {
  expect(isMachineType(DEFAULTS.cluster.machineType)).toBe(true);
});

test("the preflight's quota check reads the vCPUs of every machine type of the table from its name", () => {
  for (const [series, { types, sharedCore = [] }] of Object.entries(MACHINE_SERIES)) {
    for (const [type, sizes] of Object.entries(types)) {
      for (const n of sizes)
        expect([`${series}-${type}-${n}`, machineVcpus(`${series}-${type}-${n}`)]).toEqual([`${series}-${type}-${n}`, n]);
    }
    for (const name of sharedCore) expect(machineVcpus(`${series}-${name}`)).toBeGreaterThan(0);
  }
  expect(machineTypeNames().length).toBeGreaterThan(200);
});

test("custom machine types: N1's without a series prefix, with extended memory; only the series that take them", () => {
  expect(
    ["custom-2-7680", "n1-custom-2-7680", "e2-custom-4-8192", "n2d-custom-8-65536-ext", "n4-custom-4-16384"].filter(isMachineType),
  ).toHaveLength(5);
  expect(["c3-custom-4-8192", "custom-0-1024", "e2-custom-4", "x9-custom-2-2048"].filter(isMachineType)).toEqual([]);
});
