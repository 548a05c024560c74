// Bundles main.ts into one CommonJS file so `cdktf synth` starts in a fraction of a second.
// Type-checking is done by `tsc --noEmit` (npm test, CI), not here.
require("esbuild").buildSync({
  entryPoints: ["main.ts"],
  bundle: true,
  platform: "node",
  target: "node20",
  outfile: "dist/main.js",
  logLevel: "warning",
});
