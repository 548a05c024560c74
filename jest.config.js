/**
 * ts-jest in isolatedModules mode (tsconfig.json): each test file is transpiled alone, with no per-file
 * type-check; `tsc --noEmit` in `npm test` type-checks the whole project once.
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/cdktf.out/"],
  // Synth-heavy files: one worker per core (jest would keep one core idle).
  maxWorkers: "100%",
};
