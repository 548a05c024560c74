// YAML files to compact JSON, for the cluster test's stdlib-only Python (scripts/cluster/build.sh converts the
// Argo CRDs once, at build time). Usage: node yaml2json.js OUT_DIR FILE.yaml...
// One document per file; its metadata.name names the output file.
const fs = require("fs");
const path = require("path");
const YAML = require("yaml");

const [outDir, ...files] = process.argv.slice(2);
fs.mkdirSync(outDir, { recursive: true });
for (const file of files) {
  const doc = YAML.parse(fs.readFileSync(file, "utf8"));
  if (!doc?.metadata?.name) throw new Error(`${file}: no metadata.name`);
  fs.writeFileSync(path.join(outDir, `${doc.metadata.name}.json`), JSON.stringify(doc));
}
