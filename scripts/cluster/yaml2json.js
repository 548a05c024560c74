// YAML files to compact JSON, for the cluster test's stdlib-only Python (scripts/cluster/build.sh converts the
// CRDs and webhook configurations once, at build time). Usage: node yaml2json.js OUT_DIR FILE.yaml...
// Each document (a file may hold several) is written to OUT_DIR/<its metadata.name>.json.
const fs = require("fs");
const path = require("path");
const YAML = require("yaml");

const [outDir, ...files] = process.argv.slice(2);
fs.mkdirSync(outDir, { recursive: true });
for (const file of files) {
  for (const d of YAML.parseAllDocuments(fs.readFileSync(file, "utf8"))) {
    if (d.errors.length) throw new Error(`${file}: ${d.errors[0].message}`);
    const doc = d.toJS();
    if (doc === null) continue; // an empty document (a leading or trailing ---)
    if (!doc?.metadata?.name) throw new Error(`${file}: no metadata.name`);
    fs.writeFileSync(path.join(outDir, `${doc.metadata.name}.json`), JSON.stringify(doc));
  }
}
