// cdktf records a full stack trace (no depth limit) for every token it creates, only to say where a token was made
// when resolving it fails: about a sixth of a synth. The synth bundle and the jest transform both rewrite that one
// function so it captures nothing unless METAFLOW_GCP_DEBUG is set.

/** cdktf's capture, as a path in node_modules. */
const STACK_TRACE_FILE = /[\\/]cdktf[\\/]lib[\\/]tokens[\\/]private[\\/]stack-trace\.js$/;

/** The file's source with the capture behind METAFLOW_GCP_DEBUG; throws if cdktf changed it. */
function captureOnDebug(source, filename) {
  const guarded = source.replace(
    "function captureStackTrace(below) {",
    "function captureStackTrace(below) {\n    if (!process.env.METAFLOW_GCP_DEBUG) return [];",
  );
  if (guarded === source) throw new Error(`${filename}: captureStackTrace not found; update scripts/stack-traces.js`);
  return guarded;
}

module.exports = { STACK_TRACE_FILE, captureOnDebug };
