#!/usr/bin/env node
// npm run bench [-- --runs N] [-- --skip-jest]
// Times the project's synth entry against the cdktf-init way of running the same code (ts-node with
// type-check), alternating the two on every repetition so machine load hits both alike, and prints
// medians of wall time and peak RSS, the scaling of synth with the number of environments, and the budgets.
const { execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const root = path.join(__dirname, "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1]) || 5;
const skipJest = args.includes("--skip-jest");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "metaflow-gcp-bench-"));
// The example the project ships, not the user's environments.json: the figures and budgets hold whatever a fork sets.
const example = path.join(root, "examples", "environments.json");

/** Runs a command under GNU time; returns wall seconds and peak RSS in MB. */
function measure(command, env = {}, cwd = root) {
  const timeFile = path.join(scratch, "time.txt");
  execFileSync("/usr/bin/time", ["-o", timeFile, "-f", "%e %M", ...command], {
    cwd,
    stdio: "ignore",
    env: {
      ...process.env,
      CHECKPOINT_DISABLE: "1",
      CDKTF_OUTDIR: path.join(scratch, "out"),
      TMPDIR: scratch,
      METAFLOW_GCP_CONFIG: example,
      ...env,
    },
  });
  const [wall, kb] = fs.readFileSync(timeFile, "utf8").trim().split(/\s+/).slice(-2).map(Number);
  return { wall, rss: kb / 1024 };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Alternates the commands of a case `runs` times, after one uncounted round (disk caches, the code cache); returns the medians of each. */
function compare(cases) {
  const samples = cases.map(() => []);
  cases.forEach((c) => measure(c.command, c.env, c.cwd));
  for (let i = 0; i < runs; i++) cases.forEach((c, j) => samples[j].push(measure(c.command, c.env, c.cwd)));
  return samples.map((s) => ({ wall: median(s.map((x) => x.wall)), rss: median(s.map((x) => x.rss)) }));
}

/** A configuration file with `n` environments, each with its own names and ranges. */
function environmentsFile(n) {
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

// The project's entry (cached bundle) and the cdktf-init baseline (ts-node, type-checked).
const entry = ["node", "scripts/synth.js"];
const baseline = [bin("ts-node"), "main.ts"];
execFileSync("node", ["scripts/build.js"], { cwd: root }); // warm the bundle once, as any second synth finds it
const oneEnv = { METAFLOW_GCP_CONFIG: environmentsFile(1) };

const rows = [];
const add = (what, [project, base], budget) => rows.push({ what, project, base, budget });

add("whole example app", compare([{ command: entry }, { command: baseline }]), { wall: 0.5, rss: 150, ratio: 10 });
// The floor: Node loading cdktf and nothing else. The app entry should stay within twice of it.
const [appAgain, bare] = compare([{ command: entry }, { command: ["node", "-e", "require('cdktf')"] }]);
add(
  "one environment",
  compare([
    { command: entry, env: oneEnv },
    { command: baseline, env: oneEnv },
  ]),
);
// The CLI's own floor: `cdktf synth` of an app with one empty stack, in a project of its own beside the scratch files.
const emptyApp = path.join(scratch, "empty-app");
fs.mkdirSync(emptyApp);
fs.symlinkSync(path.join(root, "node_modules"), path.join(emptyApp, "node_modules"));
fs.writeFileSync(
  path.join(emptyApp, "cdktf.json"),
  JSON.stringify({ language: "typescript", app: "node app.js", sendCrashReports: "false" }),
);
fs.writeFileSync(
  path.join(emptyApp, "app.js"),
  'const { App, TerraformStack } = require("cdktf"); const app = new App(); new TerraformStack(app, "empty"); app.synth();',
);
const cdktfSynth = [bin("cdktf"), "synth"];
// The app, the cdktf-init way and the CLI alone, in the same rounds: the budget is 3 s, or the whole-app budget
// above the CLI alone where the CLI by itself leaves the app less than that.
const [cliWithApp, cliBaseline, cliAlone] = compare([
  { command: cdktfSynth },
  { command: [...cdktfSynth, "--app", baseline.join(" ")] },
  { command: cdktfSynth, cwd: emptyApp },
]);
add("`cdktf synth`", [cliWithApp, cliBaseline], { wall: Math.max(3, cliAlone.wall + 0.5) });
if (!skipJest) {
  add(
    "jest suite",
    compare([
      // --no-cache: a fresh clone in CI has no transform cache, and a warm one would hide the type-check.
      { command: [bin("jest"), "--silent", "--no-cache"] },
      { command: [bin("jest"), "--silent", "--no-cache", "--config", "scripts/jest.baseline.config.js"] },
    ]),
    { wall: 15 },
  );
}

const scaling = [1, 2, 4, 8].map((n) => ({
  n,
  wall: compare([{ command: entry, env: { METAFLOW_GCP_CONFIG: environmentsFile(n) } }])[0].wall,
}));

const s = (x) => `${x.toFixed(2)} s`;
const mb = (x) => `${Math.round(x)} MB`;
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
const overFloor = appAgain.wall / bare.wall;
if (overFloor > 2) failures.push("app entry vs bare cdktf load");
console.log(`
app entry ${s(appAgain.wall)} vs \`node -e "require('cdktf')"\` ${s(bare.wall)}: ${overFloor.toFixed(2)}x (${overFloor <= 2 ? "ok" : "OVER"}: <= 2x)`);
console.log(
  `\`cdktf synth\` ${s(cliWithApp.wall)} vs the same CLI on an empty app ${s(cliAlone.wall)}: the app adds ${s(cliWithApp.wall - cliAlone.wall)}`,
);

// Linear: adding environments 5-8 may cost at most twice per environment what adding 2-4 did (+20 ms of noise).
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

fs.rmSync(scratch, { recursive: true, force: true });
if (failures.length > 0) {
  console.error(`\nbudgets not held: ${failures.join(", ")}`);
  process.exit(1);
}
console.log("\nall budgets hold");
