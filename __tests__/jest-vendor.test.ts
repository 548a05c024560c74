// The test run loads cdktf and the provider bindings from one bundle (scripts/jest-vendor.js): one copy of cdktf per
// test file, shared by the bindings and the code under test, and a clear error for a request the bundle lacks.
import * as path from "path";
import { App, TerraformStack } from "cdktf";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";

/* eslint-disable @typescript-eslint/no-require-imports */
const { VENDOR_DIR_ENV, vendoredRequests } = require("../scripts/jest-vendor.js");
const resolve = require("../scripts/jest-resolver.js");
/* eslint-enable @typescript-eslint/no-require-imports */

const dir = process.env[VENDOR_DIR_ENV] as string;

test("cdktf and the bindings come from the run's bundle", () => {
  expect(dir).toBeTruthy();
  expect(path.dirname(require.resolve("cdktf"))).toBe(dir);
  expect(path.dirname(require.resolve("@cdktf/provider-google/lib/provider"))).toBe(dir);
  // The binding finds its stack: it uses the same cdktf as this file.
  const stack = new TerraformStack(new App(), "s");
  expect(TerraformStack.of(new GoogleProvider(stack, "google", {}))).toBe(stack);
});

test("the bundle holds every binding the app imports", () => {
  const requests: string[] = vendoredRequests();
  expect(requests).toEqual(expect.arrayContaining(["cdktf", "constructs", "@cdktf/provider-google/lib/container-cluster"]));
  expect(requests.every((r) => /^(cdktf|constructs|@cdktf\/provider-)/.test(r))).toBe(true);
});

test("a request the bundle lacks is refused by name; anything else resolves as jest would", () => {
  const defaultResolver = jest.fn(() => "/somewhere/else.js");
  expect(() => resolve("@cdktf/provider-google/lib/compute-instance", { defaultResolver })).toThrow(
    "@cdktf/provider-google/lib/compute-instance is not in the test bundle",
  );
  expect(resolve("yaml", { defaultResolver })).toBe("/somewhere/else.js");
  expect(defaultResolver).toHaveBeenCalledTimes(1);
});
