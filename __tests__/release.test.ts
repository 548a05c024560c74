// The release record: package.json's version and previous release, each with its CHANGELOG.md section, and the
// previous release's commit in this repository's history, where scripts/ci/upgrade-review.sh synthesizes it.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const root = path.join(__dirname, "..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const changelog = fs.readFileSync(path.join(root, "CHANGELOG.md"), "utf8");
const SEMVER = /^\d+\.\d+\.\d+$/;

/** The release sections of CHANGELOG.md, newest first: version and text. */
const sections = changelog
  .split(/^## /m)
  .slice(1)
  .map((text) => ({ version: text.split("\n")[0].trim(), text }));

test("the version is semantic and CHANGELOG.md's newest section is this release's", () => {
  expect(pkg.version).toMatch(SEMVER);
  expect(sections[0].version).toBe(pkg.version);
  for (const heading of ["### What the upgrade replaces", "### Steps", "### Pins"]) expect(sections[0].text).toContain(heading);
});

test("the previous release is the next section down, with its commit", () => {
  const previous = pkg.metaflowGcp.previousRelease;
  expect(previous.version).toMatch(SEMVER);
  expect(previous.commit).toMatch(/^[0-9a-f]{40}$/);
  expect(sections[1].version).toBe(previous.version);
  expect(sections[1].text).toContain(previous.commit);
});

test("the previous release's commit is in the history, and its package.json has that version", () => {
  const { commit, version } = pkg.metaflowGcp.previousRelease;
  const shown = spawnSync("git", ["show", `${commit}:package.json`], { cwd: root, encoding: "utf8" });
  expect(shown.stderr).toBe("");
  expect(JSON.parse(shown.stdout).version).toBe(version);
});
