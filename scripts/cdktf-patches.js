// Rewrites of cdktf's own code, made by the synth bundle (scripts/build.js) and the test bundle (jest-vendor.js)
// alike. Each replaces one exact line of one file and throws when cdktf no longer has it, so an upgrade cannot drop
// one silently; __tests__/cdktf-patches.test.ts holds each to what cdktf itself computes.
// - Stack traces: cdktf records a full stack trace (no depth limit) for every token it creates, only to say where a
//   token was made when resolving it fails: about a sixth of a synth. None is captured unless METAFLOW_GCP_DEBUG is set.
// - Snake case: cdktf snake-cases every key of every block it writes with regular expressions; the pure function
//   keeps its result per key.
// - Cross-stack references: before writing the stacks, cdktf resolves every element of every stack once more, only to
//   find references from one stack to another and wire them through generated outputs and remote state. This app
//   reads the infra stack through its own named outputs (stacks/infra-outputs.ts) and never references across stacks,
//   so that pass is dropped, and a reference across stacks fails the synth, naming both stacks.

const PATCHES = [
  {
    file: "tokens/private/stack-trace.js",
    line: "function captureStackTrace(below) {",
    replacement: "function captureStackTrace(below) {\n    if (!process.env.METAFLOW_GCP_DEBUG) return [];",
  },
  {
    file: "util.js",
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
  {
    file: "terraform-stack.js",
    line: "        terraformElements(this).forEach((e) => (0, _tokens_1.resolve)(this, e.toTerraform(), true));",
    replacement: "        // No preparing pass: cross-stack references are refused (scripts/cdktf-patches.js).",
  },
  {
    file: "tfExpression.js",
    line: "        // If this is a cross stack reference we will resolve to a reference within this stack.",
    replacement: [
      "        if (this.originStack && this.originStack !== resolutionStack && !this.crossStackIdentifier[stackName]) {",
      "            throw new Error(`${stackName} references ${this.identifier} of ${this.originStack}: read another stack's values through its outputs and terraform_remote_state (stacks/infra-outputs.ts), not by reference`);",
      "        }",
    ].join("\n"),
  },
];

const asPattern = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&").replace(/\\\//g, "[\\\\/]");

/** Matches every file a patch rewrites (for esbuild's onLoad and jest's transform). */
const PATCHED_FILE = new RegExp(`[\\\\/]cdktf[\\\\/]lib[\\\\/](${PATCHES.map((p) => asPattern(p.file)).join("|")})$`);

/** The source of `filename` with its patch applied (unchanged for any other file); throws if cdktf changed it. */
function patchCdktf(source, filename) {
  const patch = PATCHES.find((p) => new RegExp(`[\\\\/]cdktf[\\\\/]lib[\\\\/]${asPattern(p.file)}$`).test(filename));
  if (!patch) return source;
  if (source.split(patch.line).length !== 2) {
    throw new Error(`${filename}: expected the line "${patch.line.trim()}" exactly once; update scripts/cdktf-patches.js`);
  }
  return source.replace(patch.line, () => patch.replacement);
}

module.exports = { PATCHED_FILE, PATCHES, patchCdktf };
