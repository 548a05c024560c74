import { types } from "util";
import { setupJest } from "cdktf/lib/testing/adapters/jest";

// Adds toHaveResource, toHaveResourceWithProperties, toHaveDataSource... to expect(): what Testing.setupJest() calls,
// without loading the rest of cdktf into a test file that does not use it.
setupJest();

// cdktf records where each token was made, as a full stack trace captured onto a plain object (cdktf 0.21.0,
// lib/tokens/private/stack-trace.js): thousands per synth. Jest's source-map support maps every frame of every trace
// back to the TypeScript, which made a synth in a test several times slower than in Node. Errors keep jest's mapped
// traces; the records cdktf keeps get V8's own format, the one they have under Node.
const mapFrames = Error.prepareStackTrace;
if (mapFrames) {
  Error.prepareStackTrace = (target, frames) =>
    types.isNativeError(target)
      ? mapFrames(target, frames)
      : `${Error.prototype.toString.call(target)}${frames.map((frame) => `\n    at ${frame}`).join("")}`;
}
