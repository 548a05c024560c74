// The synth entry of cdktf.json: runs the bundled app, rebuilding the bundle first when any source
// (or the lock file) is newer. A cached run skips both TypeScript and esbuild.
const fs = require("fs");
const path = require("path");

const { bundle, mainBundle } = require("./build.js");

const root = path.join(__dirname, "..");

function newestSource() {
  let newest = fs.statSync(path.join(root, "package-lock.json")).mtimeMs;
  const visit = (entry) => {
    const stat = fs.statSync(entry);
    if (stat.isDirectory()) for (const child of fs.readdirSync(entry)) visit(path.join(entry, child));
    else if (entry.endsWith(".ts")) newest = Math.max(newest, stat.mtimeMs);
  };
  for (const entry of ["main.ts", "lib", "constructs"]) visit(path.join(root, entry));
  return newest;
}

const built = fs.existsSync(mainBundle) ? fs.statSync(mainBundle).mtimeMs : 0;
if (built < newestSource()) bundle(path.join(root, "main.ts"), mainBundle);
require(mainBundle);
