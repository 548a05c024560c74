// Two rewrites of cdktf's own code, made by the synth bundle (scripts/build.js) and the jest transform alike. Each
// replaces one exact line and throws when cdktf no longer has it, so an upgrade cannot drop one silently.
// - cdktf records a full stack trace (no depth limit) for every token it creates, only to say where a token was
//   made when resolving it fails: about a sixth of a synth. It captures nothing unless METAFLOW_GCP_DEBUG is set.
// - cdktf snake-cases every key of every block it writes, with a regular expression that scans the whole key from
//   each position: a quarter of a synth for a few hundred distinct keys. The pure function keeps its results.

const PATCHES = [
  {
    file: /[\\/]cdktf[\\/]lib[\\/]tokens[\\/]private[\\/]stack-trace\.js$/,
    line: "function captureStackTrace(below) {",
    replacement: "function captureStackTrace(below) {\n    if (!process.env.METAFLOW_GCP_DEBUG) return [];",
  },
  {
    file: /[\\/]cdktf[\\/]lib[\\/]util\.js$/,
    line: "function snakeCase(str) {",
    replacement: [
      "const snakeCased = new Map();",
      "function snakeCase(str) {",
      '    if (typeof str !== "string") return snakeCaseOf(str);',
      "    let cased = snakeCased.get(str);",
      "    if (cased === undefined) snakeCased.set(str, (cased = snakeCaseOf(str)));",
      "    return cased;",
      "}",
      "function snakeCaseOf(str) {",
    ].join("\n"),
  },
];

/** Matches every file a patch rewrites (for esbuild's onLoad and jest's transform). */
const PATCHED_FILE = /[\\/]cdktf[\\/]lib[\\/](tokens[\\/]private[\\/]stack-trace|util)\.js$/;

/** The source of `filename` with its patch applied (unchanged for any other file); throws if cdktf changed it. */
function patchCdktf(source, filename) {
  const patch = PATCHES.find((p) => p.file.test(filename));
  if (!patch) return source;
  if (source.split(patch.line).length !== 2) {
    throw new Error(`${filename}: expected the line "${patch.line}" exactly once; update scripts/cdktf-patches.js`);
  }
  return source.replace(patch.line, patch.replacement);
}

module.exports = { PATCHED_FILE, patchCdktf };
