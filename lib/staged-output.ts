// The synth writes into a staging folder beside the output and moves it into place only once every stack is written.
import * as fs from "fs";
import * as path from "path";

/**
 * Moves every file of `from` into `to`, merging folders: what `to` already holds and `from` does not (a stack's
 * `.terraform`, the review reports) stays. Both sit on one filesystem, so each file is a rename, not a copy.
 */
export function moveInto(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) moveInto(source, target);
    else fs.renameSync(source, target);
  }
}
