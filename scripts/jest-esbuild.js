// Jest transformer: esbuild strips the types of each test and source file (no type-check; `tsc --noEmit` in
// `npm test` does that once). Several times faster than loading the TypeScript compiler in every worker.
const { transformSync } = require("esbuild");
const crypto = require("crypto");
const { PATCHED_FILE, patchCdktf } = require("./cdktf-patches.js");

// Transformed output changes with this file and cdktf-patches.js too.
const fs = require("fs");
const SELF = fs.readFileSync(__filename, "utf8") + fs.readFileSync(require.resolve("./cdktf-patches.js"), "utf8");

module.exports = {
  process(source, filename) {
    // The only node_modules files jest transforms: cdktf's, patched as in the synth bundle.
    if (PATCHED_FILE.test(filename)) return { code: patchCdktf(source, filename) };
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
    return crypto
      .createHash("sha256")
      .update(`${require("esbuild").version}\0${SELF}\0${filename}\0${source}`)
      .digest("hex");
  },
};
