// npm run bench (scripts/bench.js): each measurement is one line of progress, and a failing command ends the bench
// with one line, the trace only under METAFLOW_GCP_DEBUG. Measured here on tiny commands, not on the app.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { BUDGETS, CommandFailed, formatFailure, holds, runSteps } = require("../scripts/bench.js");

let scratch: string;
beforeAll(() => (scratch = fs.mkdtempSync(path.join(os.tmpdir(), "bench-test-"))));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Runs steps and returns what they logged, or the error they threw with it. */
function run(steps: object[]): { log: string; results?: any; error?: any } {
  let log = "";
  try {
    const results = runSteps(steps, { runs: 1, scratch, log: (text: string) => (log += text) });
    return { log, results };
  } catch (error) {
    return { log, error };
  }
}

const node = (code: string) => ["node", "-e", code];

test("each measurement is one line, begun as it starts and ended with its time and memory", () => {
  const { log, results } = run([{ id: "quick", what: "a quick step", cases: [{ label: "project", command: node("") }] }]);
  expect(log.split("\n").filter(Boolean)).toEqual([
    expect.stringMatching(/^bench 1\/2: a quick step, project \(warm-up\): node -e {2}\.\.\. \d+\.\d\d s, \d+ MB$/),
    expect.stringMatching(/^bench 2\/2: a quick step, project \(run 1 of 1\): node -e {2}\.\.\. \d+\.\d\d s, \d+ MB$/),
  ]);
  expect(results.quick[0]).toEqual({ wall: expect.any(Number), rss: expect.any(Number) });
});

test("a case's before runs before each of its measurements, untimed", () => {
  const marker = path.join(scratch, "before-count");
  fs.writeFileSync(marker, "");
  const before = () => fs.appendFileSync(marker, "x");
  // The command fails unless before has just run: it counts the marks and removes one.
  const command = node(
    `const fs = require("fs"); const n = fs.readFileSync(${JSON.stringify(marker)}, "utf8").length; if (n !== 1) process.exit(9); fs.writeFileSync(${JSON.stringify(marker)}, "")`,
  );
  const { error, results } = run([{ id: "edited", what: "after an edit", cases: [{ label: "project", command, before }] }]);
  expect(error).toBeUndefined();
  expect(results.edited[0].wall).toEqual(expect.any(Number));
});

test("a failing command ends the bench with one line: the step, the command, its status and its last error line", () => {
  const failing = node("console.error('loading environments.json'); console.error('invalid configuration'); process.exit(3)");
  const { log, error } = run([{ id: "app", what: "whole default app", cases: [{ label: "project", command: failing }] }]);
  expect(log).toMatch(/^bench 1\/2: whole default app, project \(warm-up\): node -e .* \.\.\. failed\n$/);
  expect(error).toBeInstanceOf(CommandFailed);
  const line = formatFailure(error);
  expect(line).not.toContain("\n");
  expect(line).toMatch(
    /^bench failed: whole default app, project \(warm-up\): `node -e .*` exited with status 3: invalid configuration \(METAFLOW_GCP_DEBUG=1 shows the command's error output and the stack trace\)$/,
  );
  const debug = formatFailure(error, true);
  expect(debug).toContain("loading environments.json\ninvalid configuration");
  expect(debug).toMatch(/\n\s+at /);
});

test("any other error is one line too", () => {
  expect(formatFailure(new Error("the bench measures with GNU time at /usr/bin/time: install it"))).toMatch(
    /^bench failed: the bench measures with GNU time .*\(METAFLOW_GCP_DEBUG=1 shows/,
  );
});

test("the budgets are ratios of the project's wall time to the baseline's, and each can fail", () => {
  const pair = (project: number, base: number) => [
    { wall: project, rss: 1 },
    { wall: base, rss: 1 },
  ];
  // No source change: the entry within 4x Node loading cdktf alone.
  expect(holds(BUDGETS.entry, pair(1.2, 0.3))).toBe(true);
  expect(holds(BUDGETS.entry, pair(1.3, 0.3))).toBe(false);
  // After a change: at most 0.6x the ts-node entry.
  expect(holds(BUDGETS.changed, pair(6, 10))).toBe(true);
  expect(holds(BUDGETS.changed, pair(6.5, 10))).toBe(false);
  // The suite: at least 3x faster than ts-jest.
  expect(holds(BUDGETS.jest, pair(20, 60))).toBe(true);
  expect(holds(BUDGETS.jest, pair(21, 60))).toBe(false);
});
