// The synth entry of cdktf.json: runs the bundled app, rebuilding it first (type-checked, scripts/build.js) when
// a file it was built from (or the lock file) is newer, so a change of the configuration alone rebuilds nothing.
// A type error fails the synth with the compiler's message, and nothing is synthesized. A cached run skips
// TypeScript and esbuild, and V8 starts from the code it compiled last time (dist/main.js.cache) instead of parsing
// the bundle again.
const fs = require("fs");
const Module = require("module");
const path = require("path");
const vm = require("vm");

const { changedSince, recordedInputs } = require("./app-inputs.js");
const { buildApp, mainBundle, root, TypeCheckError } = require("./build.js");

const codeCache = `${mainBundle}.cache`;

/** Whether the bundle is missing, has no record of its inputs, or is older than one of them. */
function stale() {
  let builtMs;
  try {
    builtMs = fs.statSync(mainBundle).mtimeMs;
  } catch {
    return true;
  }
  const inputs = recordedInputs(root, mainBundle);
  return inputs === undefined || changedSince(inputs, builtMs) !== undefined;
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

async function main() {
  if (stale()) {
    fs.rmSync(codeCache, { force: true });
    await buildApp();
  }
  runWithCodeCache(mainBundle);
}

main().catch((error) => {
  // One message, no stack trace: the compiler's diagnostics, or esbuild's.
  if (error instanceof TypeCheckError) {
    console.error(
      `${error.message}\nmetaflow-gcp synth failed: the app does not type-check (tsc -p tsconfig.app.json); nothing was synthesized`,
    );
  } else {
    console.error(`metaflow-gcp synth failed: ${error.message}`);
  }
  process.exitCode = 1;
});
