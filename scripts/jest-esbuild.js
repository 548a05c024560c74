// Jest transformer: esbuild strips the types of each test and source file (no type-check; `tsc --noEmit` in
// `npm test` does that once). Several times faster than loading the TypeScript compiler in every worker.
const crypto = require("crypto");
const fs = require("fs");
const { transformSync, version } = require("esbuild");

// Transformed output changes with esbuild and with this file.
const SELF = fs.readFileSync(__filename, "utf8");

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: "ts",
      format: "cjs",
      target: "node20",
      sourcefile: filename,
      sourcemap: "external",
    });
    return { code, map };
  },
  getCacheKey(source, filename) {
    return crypto.createHash("sha256").update(`${version}\0${SELF}\0${filename}\0${source}`).digest("hex");
  },
};
