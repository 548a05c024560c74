// The cdktf-init way of running the tests (ts-jest, type-checking every file), used only by `npm run bench`.
// Node resolves every module as usual: no bundle of cdktf and the bindings (scripts/jest-vendor.js).
const { globalSetup: _setup, globalTeardown: _teardown, resolver: _resolver, ...project } = require("../jest.config.js");

module.exports = {
  ...project,
  rootDir: "..",
  // Those files test the bundle and the rewrites of cdktf that this configuration does without.
  testPathIgnorePatterns: [...project.testPathIgnorePatterns, "/__tests__/(jest-vendor|cdktf-patches)\\.test\\.ts$"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "scripts/tsconfig.baseline.json" }] },
};
