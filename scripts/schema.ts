// `npm run schema`: writes environments.schema.json, the JSON Schema of the configuration, generated from the zod
// schema in config/index.ts, and the settings table of docs/configuration.md, generated from the same schema. Editors
// use the JSON Schema through the config's "$schema" key; tests keep both files in sync.
import * as fs from "fs";
import * as path from "path";
import { configJsonSchema } from "../config";
import { withSettingsTable } from "../config/docs";

const root = path.join(__dirname, "..");
const schemaFile = path.join(root, "environments.schema.json");
fs.writeFileSync(schemaFile, configJsonSchema());
console.log(`wrote ${path.relative(process.cwd(), schemaFile)}`);
const docsFile = path.join(root, "docs", "configuration.md");
fs.writeFileSync(docsFile, withSettingsTable(fs.readFileSync(docsFile, "utf8")));
console.log(`wrote the settings table of ${path.relative(process.cwd(), docsFile)}`);
