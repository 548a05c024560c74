/**
 * esbuild strips the types of each file (scripts/jest-esbuild.js), as it does for the synth bundle; there is no
 * per-file type-check: `tsc --noEmit` in `npm test` type-checks the whole project once.
 */
const { PATCHED_FILE, PATCHES } = require("./scripts/cdktf-patches.js");

module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": "<rootDir>/scripts/jest-esbuild.js",
    [PATCHED_FILE.source]: "<rootDir>/scripts/jest-esbuild.js",
  },
  transformIgnorePatterns: [`/node_modules/(?!cdktf/lib/(${PATCHES.map((p) => p.file.replace(".", "\\.")).join("|")})$)`],
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  // cdktf and the provider bindings from one bundle per run (scripts/jest-vendor.js).
  globalSetup: "<rootDir>/scripts/jest-setup-vendor.js",
  globalTeardown: "<rootDir>/scripts/jest-teardown-vendor.js",
  resolver: "<rootDir>/scripts/jest-resolver.js",
  testPathIgnorePatterns: ["/node_modules/", "/cdktf.out/"],
  // Synth-heavy files: one worker per core (jest would keep one core idle).
  maxWorkers: "100%",
};
