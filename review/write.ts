// Writes the reports of one run into <out>/review/ and removes the reports an earlier run wrote there that
// this run did not (an environment no longer reviewed), so the folder holds exactly what was just reviewed.
import * as fs from "fs";
import * as path from "path";
import { EnvironmentReview } from "./report";

// Every report starts with this line (report.ts); a file without it is not the review's and is left alone.
const HEADER = "# Review of environment ";

function isReport(file: string): boolean {
  try {
    const fd = fs.openSync(file, "r");
    try {
      const buffer = Buffer.alloc(HEADER.length);
      fs.readSync(fd, buffer, 0, HEADER.length, 0);
      return buffer.toString("utf8") === HEADER;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** Writes `<dir>/<env>.md` for each review and deletes earlier reports of other environments. */
export function writeReports(dir: string, reviews: EnvironmentReview[]): { written: string[]; removed: string[] } {
  fs.mkdirSync(dir, { recursive: true });
  const written = reviews.map((r) => path.join(dir, `${r.env}.md`));
  const keep = new Set(written.map((f) => path.basename(f)));
  const removed: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    if (!name.endsWith(".md") || keep.has(name) || !fs.statSync(file).isFile() || !isReport(file)) continue;
    fs.rmSync(file);
    removed.push(file);
  }
  reviews.forEach((r, i) => fs.writeFileSync(written[i], r.markdown));
  return { written, removed };
}
