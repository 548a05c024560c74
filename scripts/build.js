// Bundles a TypeScript entry into one CommonJS file with esbuild, so it starts without loading TypeScript.
// Type-checking is done by `tsc --noEmit` (npm test, CI), not here.
// Usage: node scripts/build.js [outfile]   (bundles main.ts, by default into dist/main.js)
const path = require("path");

const root = path.join(__dirname, "..");

/** Bundles `entry` into `outfile`. */
function bundle(entry, outfile) {
  require("esbuild").buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    target: "node20",
    outfile,
    logLevel: "warning",
  });
}

module.exports = { bundle, mainBundle: path.join(root, "dist", "main.js") };

if (require.main === module) bundle(path.join(root, "main.ts"), process.argv[2] ?? module.exports.mainBundle);
