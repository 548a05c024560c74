// The synth entry of cdktf.json: runs the bundled app, rebuilding it first (type-checked, scripts/build.js) when a
// file it was built from is newer (its sources, the lock file, the build's settings: scripts/app-inputs.js), so a
// change of the configuration alone rebuilds nothing.
// A type error fails the synth with the compiler's message, and nothing is synthesized. A current bundle runs as
// it is: no TypeScript, no esbuild.
const fs = require("fs");

const { changedSince, recordedInputs } = require("./app-inputs.js");
const { buildApp, mainBundle, root, TypeCheckError } = require("./build.js");

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

async function main() {
  if (stale()) await buildApp();
  require(mainBundle);
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
