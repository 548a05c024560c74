#!/usr/bin/env node
// npm run bench [-- --runs N] [-- --skip-jest]
// Measures what users wait for, each against its own floor or the cdktf-init way of doing the same, the two (or
// three) cases alternating on every repetition so machine load hits them alike: `cdktf synth` of the app against the
// same CLI on an empty app; the app entry with no source change against Node loading cdktf alone; the synth after a
// source change (type-check included) against the template's `ts-node main.ts`; the jest suite against ts-jest with
// type-check. Budgets are ratios, so they hold on any machine. Prints medians of wall time and peak RSS, the
// scaling of synth with the number of environments, and the budgets.
// Each measurement is one line on stderr, written as it starts and finished as it ends; a command that fails ends the
// bench with one line naming the step, the command and its last line of error output (METAFLOW_GCP_DEBUG=1 adds the
// command's whole error output and the stack trace).
const { execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const { appInputs } = require("./app-inputs.js");
const { copyProject } = require("./project-copy.js");

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
 * Alternates the cases of each step `runs` times, after one uncounted round (disk caches, a first build); returns
 * each step's medians by id. A case's `before` runs, untimed, before each of its measurements. `log` receives the
 * progress: a line begun as a measurement starts, ended as it ends.
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
          c.before?.();
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

/**
 * A copy of the project for the synth after a change, built once as a working checkout is, and `edit`, which changes
 * the largest of the app's own sources there (a comment appended: new content to check, as a change of a construct's
 * body is) so the next synth rebuilds. The warm-up round takes the first rebuild after that cold build, in which tsc
 * may still re-check the files that import the changed one (a declaration it infers can print differently).
 */
function editableCopy(scratch) {
  const dir = copyProject(root, path.join(scratch, "project"));
  execFileSync("node", ["scripts/build.js"], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
  const sources = appInputs(dir).filter((file) => file.endsWith(".ts") && !file.includes(`${path.sep}node_modules${path.sep}`));
  const largest = sources.reduce((a, b) => (fs.statSync(b).size > fs.statSync(a).size ? b : a));
  let edits = 0;
  return { dir, file: path.relative(dir, largest), edit: () => fs.appendFileSync(largest, `// bench edit ${++edits}\n`) };
}

/** Every step of the bench, in order. */
function benchSteps(scratch, skipJest) {
  const entry = ["node", "scripts/synth.js"];
  const cdktfSynth = [bin("cdktf"), "synth"];
  const copy = editableCopy(scratch);
  const project = (command, more = {}) => ({ label: "project", command, ...more });
  const base = (command, more = {}) => ({ label: "baseline", command, ...more });
  return [
    // (a) What users wait for, and the CLI's own floor: the app's share is the difference.
    {
      id: "cli",
      what: "`cdktf synth`",
      cases: [project(cdktfSynth), base(cdktfSynth, { label: "CLI on an empty app", cwd: emptyApp(scratch) })],
    },
    // (b) The entry with a current bundle against Node loading cdktf and nothing else.
    { id: "entry", what: "app entry, no source change", cases: [project(entry), base(["node", "-e", "require('cdktf')"])] },
    // (c) Each project run follows a change of a source, so it rebuilds and type-checks; ts-node checks and runs the
    // same code, as the cdktf template's entry does.
    {
      id: "changed",
      what: `synth after a change of ${copy.file}`,
      cases: [project(entry, { cwd: copy.dir, before: copy.edit }), base([bin("ts-node"), "main.ts"], { cwd: copy.dir })],
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

/**
 * The budgets, as ratios of the project's wall time to the baseline's: `max` (the project takes at most that share
 * of the baseline) or `minSpeedUp` (the baseline takes at least that many times the project's).
 */
const BUDGETS = {
  cli: undefined,
  entry: { what: "within 4x Node loading cdktf alone", max: 4 },
  changed: { what: "at most 0.6x `ts-node main.ts`", max: 0.6 },
  jest: { what: "at least 3x faster than ts-jest with type-check", minSpeedUp: 3 },
};

/** Whether a step's medians `[project, baseline]` hold its budget. */
function holds(budget, [project, base]) {
  const ratio = project.wall / base.wall;
  return budget.max !== undefined ? ratio <= budget.max : 1 / ratio >= budget.minSpeedUp;
}

/** Prints the tables and returns the budgets not held. */
function report(steps, results, runs) {
  const failures = [];
  const f2 = (x) => x.toFixed(2);
  console.log(`\nmedians of ${runs} alternating runs on ${os.cpus().length} cores\n`);
  console.log(
    "| what | project: wall | project: peak RSS | baseline | baseline: wall | baseline: peak RSS | project / baseline | budget |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const step of steps.filter((x) => x.id in BUDGETS && results[x.id])) {
    const [project, base] = results[step.id];
    const ratio = project.wall / base.wall;
    const budget = BUDGETS[step.id];
    let verdict = "";
    if (budget) {
      const ok = holds(budget, results[step.id]);
      verdict = `${ok ? "ok" : "OVER"}: ${budget.what}`;
      if (!ok) failures.push(step.what);
    }
    const shown = budget?.minSpeedUp ? `${f2(ratio)}x (${(1 / ratio).toFixed(1)}x faster)` : `${f2(ratio)}x`;
    console.log(
      `| ${step.what} | ${s(project.wall)} | ${mb(project.rss)} | ${step.cases[1].label === "baseline" ? shownCommand(step.cases[1].command) : step.cases[1].label} | ${s(base.wall)} | ${mb(base.rss)} | ${shown} | ${verdict} |`,
    );
  }
  const [cliWithApp, cliAlone] = results.cli;
  console.log(`\n\`cdktf synth\`: the app adds ${s(cliWithApp.wall - cliAlone.wall)} to the CLI's own ${s(cliAlone.wall)}`);

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

/** A baseline command as the table names it: the tool, not its path. */
const shownCommand = (command) => `\`${shown(command).replace(/^node_modules\/\.bin\//, "")}\``;

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
    const failures = report(steps, runSteps(steps, { runs, scratch }), runs);
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

module.exports = { BUDGETS, CommandFailed, formatFailure, holds, measure, runSteps };
