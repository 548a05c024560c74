// Runs a TypeScript entry point: bundles it (with its lib/ imports) into dist/<name>.js, then Node runs that with
// the remaining arguments. Type-checking stays with `tsc --noEmit`. Usage: node scripts/run-ts.js <entry.ts> [args...]
const path = require("path");
const { bundle } = require("./build.js");

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/run-ts.js <entry.ts> [args...]");
  process.exit(2);
}
const outfile = path.join(__dirname, "..", "dist", `${path.basename(entry, ".ts")}.js`);
bundle(path.resolve(entry), outfile).then(() => {
  process.argv = [process.argv[0], outfile, ...args];
  require(outfile);
});
