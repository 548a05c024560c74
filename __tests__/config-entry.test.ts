// The app's real entry (main.ts, bundled as for `cdktf synth`) on configurations that once crashed it, and the
// configuration tools around it: `npm run config`, `npm run schema`. cdktf.json's entry around the bundle, which
// type-checks and rebuilds it, is tested in synth-entry.test.ts.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { configJsonSchema } from "../config";
import { settingsTable, withSettingsTable } from "../config/docs";
import { defaultRawConfig, devConfig, EXAMPLE_CONFIG } from "./helpers";

/* eslint-disable @typescript-eslint/no-require-imports */
const build = require("../scripts/build.js");
const { copyProject } = require("../scripts/project-copy.js");
/* eslint-enable @typescript-eslint/no-require-imports */

const root = path.join(__dirname, "..");
let dir: string;
let bundle: string;

beforeAll(async () => {
  // A copy of the project (its node_modules linked), with the bundle where cdktf.json's entry runs it: beside the Helm
  // charts and the client pins it reads at run time.
  dir = copyProject(root, fs.mkdtempSync(path.join(os.tmpdir(), "metaflow-gcp-entry-")));
  bundle = path.join(dir, "dist", "main.js");
  await build.bundle(path.join(dir, "main.ts"), bundle);
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs a bundle of the app (default: the copy's) in a fresh folder with `config` (text) as its configuration file. */
function synth(config: string | undefined, entry = () => bundle) {
  const cwd = fs.mkdtempSync(path.join(dir, "run-"));
  const configFile = path.join(cwd, "environments.json");
  if (config !== undefined) fs.writeFileSync(configFile, config);
  const outdir = path.join(cwd, "cdktf.out");
  const run = spawnSync(process.execPath, [entry()], {
    cwd,
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

test("environments.schema.json is the schema generated from config/index.ts (regenerate: npm run schema)", () => {
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

test("every field of environments.schema.json has a description, for editors to show on hover", () => {
  type Node = { description?: string; properties?: Record<string, Node>; additionalProperties?: Node | boolean; items?: Node };
  const undescribed = (node: Node, at: string): string[] => [
    ...Object.entries(node.properties ?? {}).flatMap(([key, child]) => [
      ...(child.description ? [] : [`${at}${key}`]),
      ...undescribed(child, `${at}${key}.`),
    ]),
    ...(typeof node.additionalProperties === "object" ? undescribed(node.additionalProperties, `${at}<name>.`) : []),
    ...(node.items ? undescribed(node.items, `${at}[].`) : []),
  ];
  expect(undescribed(JSON.parse(configJsonSchema()), "")).toEqual([]);
});
