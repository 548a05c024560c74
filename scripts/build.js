// Bundles a TypeScript entry into one CommonJS file with esbuild, so it starts without loading TypeScript.
// Type-checking is done by `tsc --noEmit` (npm test, CI), not here.
// Usage: node scripts/build.js [outfile]   (bundles main.ts, by default into dist/main.js)
const path = require("path");

const root = path.join(__dirname, "..");

const { PATCHED_FILE, patchCdktf } = require("./cdktf-patches.js");

/** The rewrites of cdktf's code in cdktf-patches.js. */
const cdktfPatches = {
  name: "cdktf-patches",
  setup(build) {
    build.onLoad({ filter: PATCHED_FILE }, async (args) => {
      const source = await require("fs").promises.readFile(args.path, "utf8");
      return { contents: patchCdktf(source, args.path), loader: "js" };
    });
  },
};

/** Bundles `entry` into `outfile`; resolves when written. */
function bundle(entry, outfile) {
  return require("esbuild").build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    target: "node20",
    outfile,
    logLevel: "warning",
    // A third less to read at every start; names stay, so METAFLOW_GCP_DEBUG's traces still say where.
    minifyWhitespace: true,
    legalComments: "none",
    plugins: [cdktfPatches],
  });
}

module.exports = { bundle, mainBundle: path.join(root, "dist", "main.js") };

if (require.main === module) bundle(path.join(root, "main.ts"), process.argv[2] ?? module.exports.mainBundle);
