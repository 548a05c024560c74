// Bundles a TypeScript entry into one CommonJS file with esbuild, so it starts without loading TypeScript.
// The app's bundle (dist/main.js, which cdktf.json's entry runs) is type-checked whenever it is built: an incremental
// `tsc` of the app's own files (tsconfig.app.json: main.ts and what it imports) runs alongside esbuild, and a type
// error writes nothing, so the old bundle stays stale and the next synth checks again.
// Usage: node scripts/build.js [outfile]   (the app, type-checked, by default into dist/main.js)
const { execFile } = require("child_process");
const fs = require("fs");
const path = require("path");

const { appBundle, metafileOf } = require("./app-inputs.js");

const root = path.join(__dirname, "..");
const mainBundle = appBundle(root);

/** esbuild's options for bundling `entry` into `outfile`. */
const options = (entry, outfile) => ({
  entryPoints: [entry],
  absWorkingDir: root,
  bundle: true,
  platform: "node",
  target: "node20",
  outfile,
  logLevel: "warning",
  // A third less to read at every start; names stay, so METAFLOW_GCP_DEBUG's traces still say where.
  minifyWhitespace: true,
  legalComments: "none",
});

/** Bundles `entry` into `outfile` (no type-check: for the scripts, which `npm test` checks); resolves when written. */
function bundle(entry, outfile) {
  return require("esbuild").build(options(entry, outfile));
}

/** The app's TypeScript does not compile; the message is the compiler's output. */
class TypeCheckError extends Error {}

/** Type-checks main.ts and its imports, incrementally (tsconfig.app.json keeps the build info in dist/tsc). */
function typeCheck() {
  const tsc = [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.app.json"), "--pretty", "false"];
  return new Promise((resolve, reject) =>
    execFile(process.execPath, tsc, { cwd: root, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new TypeCheckError(`${stdout}${stderr}`.trim() || error.message)) : resolve(),
    ),
  );
}

/**
 * Builds the app into `outfile`, type-checked, with esbuild's metafile beside it (what scripts/app-inputs.js reads);
 * when either fails, writes nothing and rejects (a TypeCheckError for the compiler).
 */
async function buildApp(outfile = mainBundle) {
  const started = new Date();
  const [built, checked] = await Promise.allSettled([
    require("esbuild").build({ ...options(path.join(root, "main.ts"), outfile), write: false, metafile: true, logLevel: "silent" }),
    typeCheck(),
  ]);
  // The compiler's message first: it also covers what esbuild cannot parse.
  if (checked.status === "rejected") throw checked.reason;
  if (built.status === "rejected") throw built.reason;
  const { outputFiles, metafile, warnings } = built.value;
  if (warnings.length > 0) {
    console.error(require("esbuild").formatMessagesSync(warnings, { kind: "warning" }).join("\n"));
  }
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  for (const file of outputFiles) fs.writeFileSync(file.path, file.contents);
  // Current as of the start: a source saved while building is newer, and rebuilds next time.
  fs.utimesSync(outfile, started, started);
  fs.writeFileSync(metafileOf(outfile), JSON.stringify(metafile));
}

module.exports = { bundle, buildApp, mainBundle, root, TypeCheckError };

if (require.main === module) {
  buildApp(process.argv[2] ? path.resolve(process.argv[2]) : mainBundle).catch((error) => {
    console.error(error.message);
    process.exitCode = 1;
  });
}
