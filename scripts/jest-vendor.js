// Jest loads every test file's modules afresh, and cdktf with the provider bindings is most of what a test file
// loads: hundreds of files, each resolved, read and compiled on its own, about 0.7 s per test file. Once per run,
// globalSetup bundles them into one file (with the rewrites of cdktf-patches.js, as the synth bundle has them), and
// the resolver gives each test file a small module that returns that bundle's copy of the request.
const fs = require("fs");
const path = require("path");
const { PATCHED_FILE, patchCdktf } = require("./cdktf-patches.js");

const root = path.join(__dirname, "..");

/** Requests served from the bundle: cdktf, constructs and the bindings' deep imports. */
const VENDORED = /^(cdktf|constructs|cdktf\/lib\/testing\/adapters\/jest|@cdktf\/provider-[a-z]+\/lib\/[a-z0-9-]+)$/;

/** Where a run's bundle is; set by globalSetup for the workers it starts. */
const VENDOR_DIR_ENV = "METAFLOW_GCP_JEST_VENDOR";

/** Every vendored request in the project's TypeScript sources. */
function vendoredRequests() {
  const found = new Set();
  const visit = (entry) => {
    if (fs.statSync(entry).isDirectory()) {
      for (const child of fs.readdirSync(entry)) visit(path.join(entry, child));
    } else if (entry.endsWith(".ts")) {
      for (const m of fs.readFileSync(entry, "utf8").matchAll(/(?:from |require\()"([^"]+)"/g)) if (VENDORED.test(m[1])) found.add(m[1]);
    }
  };
  for (const entry of ["main.ts", "config", "stacks", "lib", "constructs", "review", "scripts", "__tests__"]) visit(path.join(root, entry));
  return [...found].sort();
}

/** Bundles the vendored requests into `dir`/vendor.js, with one module per request; returns the requests. */
async function buildVendor(dir) {
  const requests = vendoredRequests();
  // Each request is a getter, so a test file evaluates only the bindings it uses.
  const entry = requests.map(
    (r) => `Object.defineProperty(exports, ${JSON.stringify(r)}, { enumerable: true, get: () => require(${JSON.stringify(r)}) });`,
  );
  await require("esbuild").build({
    stdin: { contents: entry.join("\n"), resolveDir: root, loader: "js" },
    bundle: true,
    platform: "node",
    target: "node20",
    outfile: path.join(dir, "vendor.js"),
    logLevel: "warning",
    plugins: [
      {
        name: "cdktf-patches",
        setup(build) {
          build.onLoad({ filter: PATCHED_FILE }, async (args) => ({
            contents: patchCdktf(await fs.promises.readFile(args.path, "utf8"), args.path),
            loader: "js",
          }));
        },
      },
    ],
  });
  requests.forEach((r, i) => fs.writeFileSync(shimPath(dir, r, i), `module.exports = require("./vendor.js")[${JSON.stringify(r)}];\n`));
  fs.writeFileSync(path.join(dir, "requests.json"), JSON.stringify(requests));
  return requests;
}

function shimPath(dir, _request, index) {
  return path.join(dir, `module-${index}.js`);
}

module.exports = { VENDORED, VENDOR_DIR_ENV, buildVendor, shimPath, vendoredRequests };
