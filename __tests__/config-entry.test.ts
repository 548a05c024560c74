// The app's real entry (main.ts, bundled as for `cdktf synth`) on configurations that once crashed it, and the
// configuration tools around it: `npm run config`, `npm run schema`.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { configJsonSchema } from "../lib/config";
import { settingsTable, withSettingsTable } from "../lib/config-docs";
import { defaultRawConfig, devConfig, EXAMPLE_CONFIG } from "./helpers";

const root = path.join(__dirname, "..");
let dir: string;
let bundle: string;

beforeAll(() => {
  // A copy of the project (its node_modules linked): cdktf.json's entry, scripts/synth.js, runs dist/main.js, which
  // scripts/build.js bundles and type-checks from the copy's own sources, so a test may change one of them.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "metaflow-gcp-entry-"));
  const notCopied = (entry: string) => entry.startsWith(".") || ["node_modules", "dist", "cdktf.out"].includes(entry);
  fs.cpSync(root, dir, { recursive: true, filter: (src) => src === root || !notCopied(path.relative(root, src).split(path.sep)[0]) });
  fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
  bundle = path.join(dir, "dist", "main.js");
  execFileSync(process.execPath, [path.join(dir, "scripts", "build.js")]);
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** cdktf.json's entry in the copy, as the CLI runs it. */
const entryCommand = (): string[] => JSON.parse(fs.readFileSync(path.join(dir, "cdktf.json"), "utf8")).app.split(" ");

/** Runs the entry (default: cdktf.json's, in the copy) in a fresh folder with `config` (text) as its configuration file. */
function synth(config: string | undefined, entry?: () => string) {
  const cwd = fs.mkdtempSync(path.join(dir, "run-"));
  const configFile = path.join(cwd, "environments.json");
  if (config !== undefined) fs.writeFileSync(configFile, config);
  const outdir = path.join(cwd, "cdktf.out");
  const [command, ...args] = entry ? ["node", entry()] : entryCommand();
  // From the project's folder, as the CLI runs it.
  const run = spawnSync(command === "node" ? process.execPath : command, args, {
    cwd: dir,
    env: { ...process.env, METAFLOW_GCP_CONFIG: configFile, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  const left = fs.readdirSync(cwd).filter((f) => f !== "environments.json");
  return { status: run.status, stderr: run.stderr, left, outdir };
}

// Each row: a configuration that is refused -> what the one-line message must say.
const crashCases: [string, string | undefined, RegExp][] = [
  [
    "a flow runner listed twice (once a construct-id crash)",
    JSON.stringify(devConfig((e) => (e.identity = { flowRunners: ["user:a@example.com", "user:a@example.com"] }))),
    /field "identity.flowRunners.1" = "user:a@example.com": duplicates identity.flowRunners.0/,
  ],
  [
    "a derived bucket name that breaks a rule",
    JSON.stringify(devConfig((e) => (e.storage = { bucketName: "goog-bad" }))),
    /environment "dev", field "storage.bucketName" = "goog-bad"/,
  ],
  [
    "invalid JSON",
    '{ "environments": { "dev": { "project": "my-metaflow-project" }, } }',
    /environments.json, line 1, column 66: invalid JSON: Expected double-quoted property name/,
  ],
  ["a key given twice", '{ "environments": {}, "environments": {} }', /line 1, column 23: duplicate key/],
  ["no configuration file", undefined, /cannot read .*environments.json/],
  ["a configuration that is not an object", "[]", /field "\(root\)" = \[\]: Invalid input: expected object/],
];

describe("the app entry on a refused configuration", () => {
  test.each(crashCases)("%s: exit 1, one message, no stack trace, no file left", (_name, config, message) => {
    const { status, stderr, left } = synth(config);
    expect(status).toBe(1);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr.match(/Invalid metaflow-gcp configuration/g)?.length).toBe(1);
    expect(left).toEqual([]);
  });

  test("a failure half-way through the synth (a Helm chart folder missing) leaves no file and no stack trace", () => {
    const moved = path.join(dir, "elsewhere", "dist", "main.js");
    fs.mkdirSync(path.dirname(moved), { recursive: true });
    fs.copyFileSync(bundle, moved);
    const { status, stderr, left } = synth(JSON.stringify(defaultRawConfig()), () => moved);
    expect(status).toBe(1);
    expect(stderr).toMatch(/^metaflow-gcp synth failed: ENOENT.*charts/);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(left).toEqual([]);
  });

  test("a valid configuration writes every stack and leaves no staging folder", () => {
    const { status, left, outdir } = synth(JSON.stringify(defaultRawConfig()));
    expect(status).toBe(0);
    expect(left).toEqual(["cdktf.out"]);
    expect(fs.readdirSync(path.join(outdir, "stacks")).sort()).toEqual(["dev-infra", "dev-services", "prod-infra", "prod-services"]);
  });
});

describe("the app entry type-checks what it bundles", () => {
  const file = () => path.join(dir, "constructs", "web-service.ts");
  const builtAt = () =>
    ["main.js", "main.meta.json", path.join("tsc", "app.tsbuildinfo")].map((f) => fs.statSync(path.join(dir, "dist", f)).mtimeMs);

  test("a type error planted in a construct fails the synth with the compiler's message and writes nothing; fixed, it synthesizes", () => {
    const source = fs.readFileSync(file(), "utf8");
    // A number where the construct keeps a string: esbuild bundles it, only the compiler refuses it.
    const planted = source.replace("this.probePath = props.probePath;", "this.probePath = props.port;");
    expect(planted).not.toBe(source);
    const before = builtAt();
    try {
      fs.writeFileSync(file(), planted);
      const { status, stderr, left } = synth(JSON.stringify(defaultRawConfig()));
      expect(status).toBe(1);
      expect(stderr).toMatch(/^constructs\/web-service\.ts\(\d+,\d+\): error TS2322: Type 'number' is not assignable to type 'string'\./m);
      expect(stderr).toMatch(
        /^metaflow-gcp synth failed: the app does not type-check \(tsc -p tsconfig.app.json\); nothing was synthesized$/m,
      );
      expect(stderr).not.toMatch(/^\s+at /m);
      expect(left).toEqual([]);
      // The bundle is left as it was, older than the source, so the next synth checks again.
      expect(builtAt()[0]).toBe(before[0]);
      expect(fs.statSync(file()).mtimeMs).toBeGreaterThan(before[0]);
    } finally {
      fs.writeFileSync(file(), source);
    }
    const fixed = synth(JSON.stringify(defaultRawConfig()));
    expect(fixed.stderr).toBe("");
    expect(fixed.status).toBe(0);
    expect(builtAt()[0]).toBeGreaterThan(before[0]);
  }, 60_000);

  test("a change of the configuration alone rebuilds and type-checks nothing", () => {
    expect(synth(JSON.stringify(defaultRawConfig())).status).toBe(0);
    const before = builtAt();
    const { status, outdir } = synth(JSON.stringify(devConfig()));
    expect(status).toBe(0);
    expect(fs.readdirSync(path.join(outdir, "stacks")).sort()).toEqual(["dev-infra", "dev-services"]);
    expect(builtAt()).toEqual(before);
  }, 60_000);
});

test("environments.schema.json is the schema generated from lib/config.ts (regenerate: npm run schema)", () => {
  expect(fs.readFileSync(path.join(root, "environments.schema.json"), "utf8")).toBe(configJsonSchema());
  // The example names the schema for editors, by a path relative to itself.
  expect(path.resolve(path.dirname(EXAMPLE_CONFIG), defaultRawConfig().$schema)).toBe(path.join(root, "environments.schema.json"));
});

test("docs/configuration.md's settings table is the one generated from the schema (regenerate: npm run schema)", () => {
  const doc = fs.readFileSync(path.join(root, "docs", "configuration.md"), "utf8");
  expect(doc).toBe(withSettingsTable(doc));
});

test("every row of the settings table says what the setting is: a field without .describe() is caught", () => {
  const rows = settingsTable().split("\n").slice(2);
  expect(rows.length).toBeGreaterThan(80);
  for (const row of rows) expect({ row, rule: row.split(/(?<!\\)\|/)[3].trim() }).toEqual({ row, rule: expect.stringMatching(/\w/) });
  expect(settingsTable()).toContain("| `cluster.machineType` | `e2-standard-4` |");
  expect(settingsTable()).toContain("| `storage.bucketName` | `<project>-metaflow-<env>` |");
});

test("npm run config prints every environment resolved, derived names included", () => {
  const out = execFileSync(process.execPath, [path.join(root, "scripts", "run-ts.js"), "scripts/config.ts"], {
    cwd: root,
    env: { ...process.env, METAFLOW_GCP_CONFIG: EXAMPLE_CONFIG },
    encoding: "utf8",
  });
  const [dev, prod] = JSON.parse(out).environments;
  expect(dev).toMatchObject({
    name: "dev",
    zone: "us-central1-a",
    names: { vpc: "metaflow-dev-vpc", nodePool: "metaflow-dev-pool", nodeServiceAccount: "metaflow-dev-nodes" },
  });
  expect(prod).toMatchObject({
    name: "prod",
    cluster: { location: "us-central1", cpuLimits: { min: 1, max: 200 } },
    names: { sqlInstancePrefix: "metaflow-prod-pg" },
  });
});
