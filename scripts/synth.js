// The synth entry of cdktf.json: runs the bundled app, rebuilding the bundle first when any source
// (or the lock file) is newer. A cached run skips TypeScript and esbuild, and V8 starts from the code it
// compiled last time (dist/main.js.cache) instead of parsing the 7 MB bundle again.
const fs = require("fs");
const Module = require("module");
const path = require("path");
const vm = require("vm");

const { bundle, mainBundle } = require("./build.js");

const root = path.join(__dirname, "..");
const codeCache = `${mainBundle}.cache`;

function newestSource() {
  let newest = fs.statSync(path.join(root, "package-lock.json")).mtimeMs;
  const visit = (entry) => {
    const stat = fs.statSync(entry);
    if (stat.isDirectory()) for (const child of fs.readdirSync(entry)) visit(path.join(entry, child));
    else if (entry.endsWith(".ts")) newest = Math.max(newest, stat.mtimeMs);
  };
  for (const entry of ["main.ts", "config", "stacks", "lib", "constructs"]) visit(path.join(root, entry));
  return newest;
}

/** Runs a CommonJS file as `require` would, from V8's code cache when it still matches the file. */
function runWithCodeCache(file) {
  const source = fs.readFileSync(file, "utf8");
  const cachedData = fs.existsSync(codeCache) ? fs.readFileSync(codeCache) : undefined;
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    // Written at exit, when the functions the synth ran are compiled too; a failed write only costs speed.
    process.once("exit", () => {
      try {
        fs.writeFileSync(codeCache, script.createCachedData());
      } catch {
        // A read-only checkout only loses the speed-up.
      }
    });
  }
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
}

const built = fs.existsSync(mainBundle) ? fs.statSync(mainBundle).mtimeMs : 0;
const stale = built < newestSource();
if (stale) fs.rmSync(codeCache, { force: true });
(stale ? bundle(path.join(root, "main.ts"), mainBundle) : Promise.resolve()).then(() => runWithCodeCache(mainBundle));
