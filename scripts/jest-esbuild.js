// Jest transformer: esbuild strips the types of each test and source file (no type-check; `tsc --noEmit` in
// `npm test` does that once). Several times faster than loading the TypeScript compiler in every worker.
const { transformSync } = require("esbuild");
const crypto = require("crypto");
const { STACK_TRACE_FILE, captureOnDebug } = require("./stack-traces.js");

// Transformed output changes with this file and stack-traces.js too.
const fs = require("fs");
const SELF = fs.readFileSync(__filename, "utf8") + fs.readFileSync(require.resolve("./stack-traces.js"), "utf8");

module.exports = {
  process(source, filename) {
    // The one node_modules file jest transforms: cdktf's token stack traces, as in the synth bundle.
    if (STACK_TRACE_FILE.test(filename)) return { code: captureOnDebug(source, filename) };
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
