// cdktf.json's entry (scripts/synth.js) in a copy of the project: it type-checks the app whenever it rebuilds the
// bundle, so a type error fails `cdktf synth` with the compiler's message, and it rebuilds only when a file the bundle
// was built from changed, so a change of the configuration alone costs no rebuild.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { defaultRawConfig, devConfig } from "./helpers";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { copyProject } = require("../scripts/project-copy.js");

const root = path.join(__dirname, "..");
let dir: string;

// A copy, so a test may change a source: no bundle yet, as in a fresh clone.
beforeAll(() => (dir = copyProject(root, fs.mkdtempSync(path.join(os.tmpdir(), "metaflow-gcp-synth-")))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs cdktf.json's entry as the CLI does, from the project's folder, with `config` (text) as the configuration file. */
function synth(config: string) {
  const cwd = fs.mkdtempSync(path.join(dir, "run-"));
  const configFile = path.join(cwd, "environments.json");
  fs.writeFileSync(configFile, config);
  const outdir = path.join(cwd, "cdktf.out");
  const [command, ...args] = JSON.parse(fs.readFileSync(path.join(dir, "cdktf.json"), "utf8")).app.split(" ");
  const run = spawnSync(command === "node" ? process.execPath : command, args, {
    cwd: dir,
    env: { ...process.env, METAFLOW_GCP_CONFIG: configFile, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  const left = fs.readdirSync(cwd).filter((f) => f !== "environments.json");
  return { status: run.status, stderr: run.stderr, left, outdir };
}

/** When the bundle, its record of inputs and the type-check's build info were last written (undefined: not yet). */
const builtAt = () =>
  ["main.js", "main.meta.json", path.join("tsc", "app.tsbuildinfo")].map(
    (f) => fs.statSync(path.join(dir, "dist", f), { throwIfNoEntry: false })?.mtimeMs,
  );

const construct = () => path.join(dir, "constructs", "web-service.ts");

test("a type error planted in a construct fails the synth with the compiler's message and writes nothing", () => {
  const source = fs.readFileSync(construct(), "utf8");
  // A number where the construct keeps a string: esbuild bundles it, only the compiler refuses it.
  const planted = source.replace("this.probePath = props.probePath;", "this.probePath = props.port;");
  expect(planted).not.toBe(source);
  const before = builtAt()[0];
  try {
    fs.writeFileSync(construct(), planted);
    const { status, stderr, left } = synth(JSON.stringify(defaultRawConfig()));
    expect(status).toBe(1);
    expect(stderr).toMatch(/^constructs\/web-service\.ts\(\d+,\d+\): error TS2322: Type 'number' is not assignable to type 'string'\./m);
    expect(stderr).toMatch(
      /^metaflow-gcp synth failed: the app does not type-check \(tsc -p tsconfig.app.json\); nothing was synthesized$/m,
    );
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(left).toEqual([]);
    // No bundle is written, so the next synth checks again.
    expect(builtAt()[0]).toBe(before);
  } finally {
    fs.writeFileSync(construct(), source);
  }
}, 60_000);

test("with the error fixed, the synth rebuilds and writes every stack", () => {
  const before = builtAt()[0] ?? 0;
  const { status, stderr, outdir } = synth(JSON.stringify(defaultRawConfig()));
  expect(stderr).toBe("");
  expect(status).toBe(0);
  expect(fs.readdirSync(path.join(outdir, "stacks")).sort()).toEqual(["dev-infra", "dev-services", "prod-infra", "prod-services"]);
  expect(builtAt()[0]).toBeGreaterThan(before);
}, 60_000);

test("a change of the configuration alone rebuilds and type-checks nothing", () => {
  expect(synth(JSON.stringify(defaultRawConfig())).status).toBe(0);
  const before = builtAt();
  const { status, outdir } = synth(JSON.stringify(devConfig()));
  expect(status).toBe(0);
  expect(fs.readdirSync(path.join(outdir, "stacks")).sort()).toEqual(["dev-infra", "dev-services"]);
  expect(builtAt()).toEqual(before);
}, 60_000);
