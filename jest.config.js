/**
 * esbuild strips the types of each file (scripts/jest-esbuild.js), as it does for the synth bundle; there is no
 * per-file type-check: `tsc --noEmit` in `npm test` type-checks the whole project once.
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": "<rootDir>/scripts/jest-esbuild.js" },
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/cdktf.out/"],
  // Synth-heavy files: one worker per core (jest would keep one core idle).
  maxWorkers: "100%",
};
