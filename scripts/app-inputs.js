// What the app is built from, and whether something built from it is older: the synth entry rebuilds its bundle on
// this rule (scripts/synth.js), and the review refuses a synth on it (scripts/review.ts). The files are the ones esbuild
// read for the bundle (its metafile, kept beside the bundle), not a list of folders, plus the lock file that pins the
// packages and the build's own settings.
const fs = require("fs");
const { createRequire } = require("module");
const path = require("path");

/** The app's bundle, which cdktf.json's entry runs. */
const appBundle = (root) => path.join(root, "dist", "main.js");

/** esbuild's record of the files a bundle was built from, kept beside it. */
const metafileOf = (bundle) => bundle.replace(/\.js$/, ".meta.json");

/** What shapes a bundle besides its sources: the packages' pins, how it is bundled and how it is type-checked. */
const BUILD_FILES = ["package-lock.json", "scripts/build.js", "tsconfig.json", "tsconfig.app.json"];

/** Absolute paths of `inputs` (relative to `root`, as esbuild's metafile lists them) and of the build's files. */
const withBuildFiles = (root, inputs) => [...inputs, ...BUILD_FILES].map((input) => path.join(root, input));

/** The files the bundle was built from, as recorded beside it; undefined when there is no record. */
function recordedInputs(root, bundle) {
  let metafile;
  try {
    metafile = JSON.parse(fs.readFileSync(metafileOf(bundle), "utf8"));
  } catch {
    return undefined;
  }
  return withBuildFiles(root, Object.keys(metafile.inputs));
}

/** The app's own files main.ts imports now (packages stand behind the lock file), found by esbuild without a bundle. */
function currentInputs(root) {
  const { metafile } = createRequire(path.join(root, "package.json"))("esbuild").buildSync({
    entryPoints: ["main.ts"],
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    packages: "external",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  return withBuildFiles(root, Object.keys(metafile.inputs));
}

/** What the app's bundle in `root` was built from, or without a record (no synth yet), what it would be built from. */
const appInputs = (root) => recordedInputs(root, appBundle(root)) ?? currentInputs(root);

/** The first of `inputs` changed after `sinceMs`, or gone since; undefined when none is. */
function changedSince(inputs, sinceMs) {
  for (const input of inputs) {
    let mtimeMs;
    try {
      mtimeMs = fs.statSync(input).mtimeMs;
    } catch {
      return input;
    }
    if (mtimeMs > sinceMs) return input;
  }
  return undefined;
}

module.exports = { appBundle, appInputs, changedSince, metafileOf, recordedInputs };
