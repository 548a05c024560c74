// Whether a synth directory is older than what it was synthesized from: a failed `npm run synth` leaves the last
// good output in place (main.ts stages it), and reviewing that output would approve a config it does not reflect.
import * as fs from "fs";
import * as path from "path";

/** The newest file under `entry` (a file or a folder), skipping node_modules and dot folders. */
function newest(entry: string): { file: string; mtimeMs: number } | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(entry);
  } catch {
    return undefined;
  }
  if (!stat.isDirectory()) return { file: entry, mtimeMs: stat.mtimeMs };
  let best: { file: string; mtimeMs: number } | undefined;
  for (const child of fs.readdirSync(entry)) {
    if (child === "node_modules" || child.startsWith(".")) continue;
    const found = newest(path.join(entry, child));
    if (found && (!best || found.mtimeMs > best.mtimeMs)) best = found;
  }
  return best;
}

const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;

/**
 * Why the synth in `dir` is stale: the first input (the config file, a source folder) changed after its manifest.json
 * was written; undefined when it is current or has no manifest (reading it then fails with its own message).
 */
export function staleness(dir: string, inputs: readonly string[]): string | undefined {
  let synthMs: number;
  try {
    synthMs = fs.statSync(path.join(dir, "manifest.json")).mtimeMs;
  } catch {
    return undefined;
  }
  for (const input of inputs) {
    const found = newest(input);
    if (found && found.mtimeMs > synthMs) {
      return `${dir} is older than ${found.file} (changed ${utc(found.mtimeMs)}, synthesized ${utc(synthMs)}): the last \`npm run synth\` failed or did not run since`;
    }
  }
  return undefined;
}
