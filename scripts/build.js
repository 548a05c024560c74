// Bundles main.ts into one CommonJS file so `cdktf synth` starts in a fraction of a second.
// Type-checking is done by `tsc --noEmit` (npm test, CI), not here. Usage: node scripts/build.js [outfile]
const path = require("path");

require("esbuild").buildSync({
  entryPoints: [path.join(__dirname, "..", "main.ts")],
  bundle: true,
  platform: "node",
  target: "node20",
  outfile: process.argv[2] ?? path.join(__dirname, "..", "dist", "main.js"),
  logLevel: "warning",
});
