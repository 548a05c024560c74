// The rewrites of cdktf's code (scripts/cdktf-patches.js): each still finds its line in the installed cdktf, changes
// nothing that cdktf computes, and refuses a cdktf whose code moved.
import * as fs from "fs";
import { createRequire } from "module";
import * as path from "path";
import { App, TerraformOutput, TerraformStack } from "cdktf";
import * as os from "os";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { synthDev } from "./helpers";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { PATCHED_FILE, PATCHES, patchCdktf } = require("../scripts/cdktf-patches.js");

const lib = path.dirname(require.resolve("cdktf/lib/util.js"));
const original = (file: string) => fs.readFileSync(path.join(lib, file), "utf8");

/** `exports` of a CommonJS source, evaluated with cdktf's own require. */
function load(source: string): any {
  const module = { exports: {} as any };
  const req = createRequire(path.join(lib, "util.js"));
  new Function("exports", "require", "module", source)(module.exports, req, module);
  return module.exports;
}

test.each(PATCHES.map((p: { file: string }) => [p.file]) as [string][])(
  "the installed cdktf has the line the patch of %s rewrites",
  (file) => {
    expect(PATCHED_FILE.test(path.join(lib, file))).toBe(true);
    expect(patchCdktf(original(file), path.join(lib, file))).not.toBe(original(file));
  },
);

test("a cdktf whose code moved is refused, naming the file and the line", () => {
  const moved = original("util.js").replace("function snakeCase(str) {", "function snakeCase(str, options) {");
  expect(() => patchCdktf(moved, path.join(lib, "util.js"))).toThrow(
    /util\.js: expected the line "function snakeCase\(str\) \{" exactly once/,
  );
});

test("snake-casing keeps its results: every key of a synthesized stack, twice, and odd inputs", () => {
  const before = load(original("util.js"));
  const after = load(patchCdktf(original("util.js"), path.join(lib, "util.js")));
  // The keys cdktf wrote, and the camelCase props they came from.
  const dev = synthDev();
  const written = [...`${dev.infraSynth}${dev.servicesSynth}`.matchAll(/"([^"]+)":/g)].map((m) => m[1]);
  const keys = [...written, ...written.map((k) => k.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()))];
  expect(new Set(keys).size).toBeGreaterThan(300);
  const odd = ["", "fooBar", "FooBar", "foo_bar", "_lead", "trail_", "a--b", "ipv4CidrBlock", "x1Y2z3", "ÄÖ", "allCaps", "ALLCAPS"];
  for (const key of [...keys, ...odd, ...keys]) expect(after.snakeCase(key)).toBe(before.snakeCase(key));
  expect(after.snakeCase(undefined)).toBe(before.snakeCase(undefined));
  expect(after.keysToSnakeCase({ clusterSecondaryRangeName: { masterIpv4CidrBlock: 1 }, tags: { keepAsIs: 1 } })).toEqual(
    before.keysToSnakeCase({ clusterSecondaryRangeName: { masterIpv4CidrBlock: 1 }, tags: { keepAsIs: 1 } }),
  );
});

test("tokens carry no creation stack trace unless METAFLOW_GCP_DEBUG is set", () => {
  const trace = load(patchCdktf(original("tokens/private/stack-trace.js"), path.join(lib, "tokens/private/stack-trace.js")));
  const debug = process.env.METAFLOW_GCP_DEBUG;
  try {
    delete process.env.METAFLOW_GCP_DEBUG;
    expect(trace.captureStackTrace()).toEqual([]);
    process.env.METAFLOW_GCP_DEBUG = "1";
    expect(trace.captureStackTrace().length).toBeGreaterThan(0);
  } finally {
    if (debug === undefined) delete process.env.METAFLOW_GCP_DEBUG;
    else process.env.METAFLOW_GCP_DEBUG = debug;
  }
});

test("a reference from one stack to another fails the synth, naming both stacks and what to use instead", () => {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "cross-stack-")) });
  const infra = new TerraformStack(app, "dev-infra");
  new GoogleProvider(infra, "google", { project: "p" });
  const account = new ServiceAccount(infra, "sa", { accountId: "metaflow" });
  const services = new TerraformStack(app, "dev-services");
  new TerraformOutput(services, "email", { value: account.email });
  expect(() => app.synth()).toThrow(
    /dev-services references google_service_account\.sa\.email of dev-infra: read another stack's values through its outputs and terraform_remote_state/,
  );
  fs.rmSync(app.outdir, { recursive: true, force: true });
});
