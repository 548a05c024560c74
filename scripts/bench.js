#!/usr/bin/env node
// npm run bench [-- --runs N] [-- --skip-jest]
// Times the project's synth entry against the cdktf-init way of running the same code (ts-node with
// type-check), alternating the two on every repetition so machine load hits both alike, and prints
// medians of wall time and peak RSS, the scaling of synth with the number of environments, and the budgets.
// Each measurement is one line on stderr, written as it starts and finished as it ends; a command that fails ends the
// bench with one line naming the step, the command and its last line of error output (METAFLOW_GCP_DEBUG=1 adds the
// command's whole error output and the stack trace).
const { execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const root = path.join(__dirname, "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const TIME = "/usr/bin/time";
// The example the project ships, not the user's environments.json: the figures and budgets hold whatever a fork sets.
const EXAMPLE = path.join(root, "examples", "environments.json");

/** A measured command that exited with an error. */
class CommandFailed extends Error {
  constructor(what, command, cause) {
    const status = cause.status ?? cause.signal ?? cause.code;
    super(`${what}: \`${shown(command)}\` exited with status ${status}`);
    this.name = "CommandFailed";
    this.what = what;
    this.stderr = String(cause.stderr ?? "");
  }
}

/** A command as a reader would type it: paths inside the project relative to it. */
function shown(command) {
  return command.map((arg) => arg.split(`${root}${path.sep}`).join("")).join(" ");
}

/** The one line a failed bench ends with; with `debug`, the command's error output and the stack trace follow. */
function formatFailure(error, debug = false) {
  if (!(error instanceof Error)) return `bench failed: ${String(error)}`;
  const detail = error instanceof CommandFailed ? error.stderr : "";
  const last = detail.trim().split("\n").pop()?.trim().slice(0, 300) ?? "";
  const line = `bench failed: ${error.message}${last ? `: ${last}` : ""}`;
  if (!debug) return `${line} (METAFLOW_GCP_DEBUG=1 shows the command's error output and the stack trace)`;
  return [line, ...(detail.trim() ? [detail.trimEnd()] : []), error.stack].join("\n");
}

/** Runs a command under GNU time; returns wall seconds and peak RSS in MB. `what` names it in a failure. */
function measure(what, command, { env = {}, cwd = root, scratch }) {
  const timeFile = path.join(scratch, "time.txt");
  try {
    // stdout is dropped; stderr is kept for the failure message (jest --silent writes its summary there: small).
    execFileSync(TIME, ["-o", timeFile, "-f", "%e %M", ...command], {
      cwd,
      stdio: ["ignore", "ignore", "pipe"],
      maxBuffer: 64 * 1024 * 1024,
      env: {
        ...process.env,
        CHECKPOINT_DISABLE: "1",
        CDKTF_OUTDIR: path.join(scratch, "out"),
        TMPDIR: scratch,
        METAFLOW_GCP_CONFIG: EXAMPLE,
        ...env,
      },
    });
  } catch (error) {
    throw new CommandFailed(what, command, error);
  }
  const [wall, kb] = fs.readFileSync(timeFile, "utf8").trim().split(/\s+/).slice(-2).map(Number);
  return { wall, rss: kb / 1024 };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const s = (x) => `${x.toFixed(2)} s`;
const mb = (x) => `${Math.round(x)} MB`;

/** Measurements a list of steps takes: one uncounted round, then `runs` rounds, of each case. */
const measurementsOf = (steps, runs) => steps.reduce((n, step) => n + (runs + 1) * step.cases.length, 0);

/**
 * Alternates the cases of each step `runs` times, after one uncounted round (disk caches, the code cache); returns
 * each step's medians by id. `log` receives the progress: a line begun as a measurement starts, ended as it ends.
 */
function runSteps(steps, { runs, scratch, log = (text) => process.stderr.write(text) }) {
  const total = measurementsOf(steps, runs);
  let done = 0;
  const results = {};
  for (const step of steps) {
    const samples = step.cases.map(() => []);
    for (let round = 0; round <= runs; round++) {
      step.cases.forEach((c, j) => {
        const run = round === 0 ? "warm-up" : `run ${round} of ${runs}`;
        const what = `${step.what}, ${c.label} (${run})`;
        log(`bench ${++done}/${total}: ${what}: ${shown(c.command)} ...`);
        let m;
        try {
          m = measure(what, c.command, { env: c.env, cwd: c.cwd, scratch });
        } catch (error) {
          log(" failed\n");
          throw error;
        }
        log(` ${s(m.wall)}, ${mb(m.rss)}\n`);
        if (round > 0) samples[j].push(m);
      });
    }
    results[step.id] = samples.map((x) => ({ wall: median(x.map((y) => y.wall)), rss: median(x.map((y) => y.rss)) }));
  }
  return results;
}

/** A configuration file with `n` environments, each with its own names and ranges. */
function environmentsFile(scratch, n) {
  const environments = {};
  for (let i = 0; i < n; i++) {
    const b = 16 * i;
    environments[`e${i + 1}`] = {
      project: "bench-metaflow-project",
      network: {
        subnetCidr: `10.${b}.0.0/20`,
        podsCidr: `10.${b + 4}.0.0/14`,
        servicesCidr: `10.${b + 8}.0.0/20`,
        privateServiceAccessCidr: `10.${b + 9}.0.0/20`,
        controlPlaneCidr: `172.16.0.${16 * i}/28`,
      },
    };
  }
  const file = path.join(scratch, `environments-${n}.json`);
  fs.writeFileSync(file, JSON.stringify({ environments }));
  return file;
}

/** The CLI's own floor: an app with one empty stack, in a project of its own beside the scratch files. */
function emptyApp(scratch) {
  const dir = path.join(scratch, "empty-app");
  fs.mkdirSync(dir);
  fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
  fs.writeFileSync(path.join(dir, "cdktf.json"), JSON.stringify({ language: "typescript", app: "node app.js", sendCrashReports: "false" }));
  fs.writeFileSync(
    path.join(dir, "app.js"),
    'const { App, TerraformStack } = require("cdktf"); const app = new App(); new TerraformStack(app, "empty"); app.synth();',
  );
  return dir;
}

/** Every step of the bench, in order. */
function benchSteps(scratch, skipJest) {
  // The project's entry (cached bundle) and the cdktf-init baseline (ts-node, type-checked).
  const entry = ["node", "scripts/synth.js"];
  const baseline = [bin("ts-node"), "main.ts"];
  const oneEnv = { METAFLOW_GCP_CONFIG: environmentsFile(scratch, 1) };
  const cdktfSynth = [bin("cdktf"), "synth"];
  const project = (command, more = {}) => ({ label: "project", command, ...more });
  const base = (command, more = {}) => ({ label: "baseline", command, ...more });
  return [
    { id: "app", what: "whole example app", cases: [project(entry), base(baseline)] },
    // The floor: Node loading cdktf and nothing else. The app entry should stay within twice of it.
    { id: "floor", what: "app entry vs bare cdktf load", cases: [project(entry), base(["node", "-e", "require('cdktf')"])] },
    { id: "oneEnv", what: "one environment", cases: [project(entry, { env: oneEnv }), base(baseline, { env: oneEnv })] },
    // The app, the cdktf-init way and the CLI alone, in the same rounds.
    {
      id: "cli",
      what: "`cdktf synth`",
      cases: [
        project(cdktfSynth),
        base([...cdktfSynth, "--app", baseline.join(" ")]),
        { label: "CLI on an empty app", command: cdktfSynth, cwd: emptyApp(scratch) },
      ],
    },
    ...(skipJest
      ? []
      : [
          {
            id: "jest",
            what: "jest suite",
            cases: [
              // --no-cache: a fresh clone in CI has no transform cache, and a warm one would hide the type-check.
              project([bin("jest"), "--silent", "--no-cache"]),
              base([bin("jest"), "--silent", "--no-cache", "--config", "scripts/jest.baseline.config.js"]),
            ],
          },
        ]),
    ...[1, 2, 4, 8].map((n) => ({
      id: `scale${n}`,
      what: `synth of ${n} environment(s)`,
      cases: [project(entry, { env: { METAFLOW_GCP_CONFIG: environmentsFile(scratch, n) } })],
    })),
  ];
}

/** Prints the tables and returns the budgets not held. */
function report(results, runs, skipJest) {
  const rows = [];
  const add = (what, [project, base], budget) => rows.push({ what, project, base, budget });
  add("whole example app", results.app, { wall: 0.5, rss: 150, ratio: 10 });
  add("one environment", results.oneEnv);
  const [cliWithApp, cliBaseline, cliAlone] = results.cli;
  // The budget is 3 s, or the whole-app budget above the CLI alone where the CLI by itself leaves the app less than that.
  add("`cdktf synth`", [cliWithApp, cliBaseline], { wall: Math.max(3, cliAlone.wall + 0.5) });
  if (!skipJest) add("jest suite", results.jest, { wall: 15 });

  const failures = [];
  console.log(`\nmedians of ${runs} alternating runs on ${os.cpus().length} cores (${os.cpus()[0].model})\n`);
  console.log("| what | project: wall | project: peak RSS | baseline: wall | baseline: peak RSS | baseline / project | budget |");
  console.log("|---|---|---|---|---|---|---|");
  for (const { what, project, base, budget } of rows) {
    const ratio = base.wall / project.wall;
    let verdict = "";
    if (budget) {
      const ok =
        project.wall <= budget.wall &&
        (budget.rss === undefined || project.rss <= budget.rss) &&
        (budget.ratio === undefined || ratio >= budget.ratio);
      verdict = `${ok ? "ok" : "OVER"}: <= ${s(budget.wall)}${budget.rss ? `, <= ${mb(budget.rss)}` : ""}${budget.ratio ? `, >= ${budget.ratio}x` : ""}`;
      if (!ok) failures.push(what);
    }
    console.log(
      `| ${what} | ${s(project.wall)} | ${mb(project.rss)} | ${s(base.wall)} | ${mb(base.rss)} | ${ratio.toFixed(1)}x | ${verdict} |`,
    );
  }
  const [appAgain, bare] = results.floor;
  const overFloor = appAgain.wall / bare.wall;
  if (overFloor > 2) failures.push("app entry vs bare cdktf load");
  console.log(`
app entry ${s(appAgain.wall)} vs \`node -e "require('cdktf')"\` ${s(bare.wall)}: ${overFloor.toFixed(2)}x (${overFloor <= 2 ? "ok" : "OVER"}: <= 2x)`);
  console.log(
    `\`cdktf synth\` ${s(cliWithApp.wall)} vs the same CLI on an empty app ${s(cliAlone.wall)}: the app adds ${s(cliWithApp.wall - cliAlone.wall)}`,
  );

  // Linear: adding environments 5-8 may cost at most twice per environment what adding 2-4 did (+20 ms of noise).
  const scaling = [1, 2, 4, 8].map((n) => ({ n, wall: results[`scale${n}`][0].wall }));
  const t = Object.fromEntries(scaling.map((x) => [x.n, x.wall]));
  const early = (t[4] - t[1]) / 3;
  const late = (t[8] - t[4]) / 4;
  const linear = late <= 2 * Math.max(early, 0) + 0.02;
  if (!linear) failures.push("scaling");
  console.log(`\n| environments | ${scaling.map((x) => x.n).join(" | ")} |\n|---|${scaling.map(() => "---").join("|")}|`);
  console.log(`| synth wall | ${scaling.map((x) => s(x.wall)).join(" | ")} |`);
  console.log(
    `\nper added environment: ${(early * 1000).toFixed(0)} ms (1->4), ${(late * 1000).toFixed(0)} ms (4->8): ${linear ? "ok: linear" : "OVER: superlinear"}`,
  );
  return failures;
}

function main() {
  const args = process.argv.slice(2);
  const runs = Number(args[args.indexOf("--runs") + 1]) || 5;
  const skipJest = args.includes("--skip-jest");
  if (!fs.existsSync(TIME)) throw new Error(`the bench measures with GNU time at ${TIME}: install it (apt-get install time)`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "metaflow-gcp-bench-"));
  try {
    process.stderr.write("bench: building the synth bundle\n");
    execFileSync("node", ["scripts/build.js"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] }); // as any second synth finds it
    const steps = benchSteps(scratch, skipJest);
    process.stderr.write(
      `bench: ${measurementsOf(steps, runs)} measurements, ${runs} run${runs === 1 ? "" : "s"} of each case after a warm-up\n`,
    );
    const failures = report(runSteps(steps, { runs, scratch }), runs, skipJest);
    if (failures.length > 0) {
      console.error(`\nbudgets not held: ${failures.join(", ")}`);
      process.exitCode = 1;
    } else {
      console.log("\nall budgets hold");
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(formatFailure(error, Boolean(process.env.METAFLOW_GCP_DEBUG)));
    process.exitCode = 1;
  }
}

module.exports = { CommandFailed, formatFailure, measure, runSteps };
