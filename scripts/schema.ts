// `npm run schema`: writes environments.schema.json, the JSON Schema of the configuration, generated from the zod
// schema in lib/config.ts. Editors use it through the config's "$schema" key; a test keeps the file in sync.
import * as fs from "fs";
import * as path from "path";
import { configJsonSchema } from "../lib/config";

const file = path.join(__dirname, "..", "environments.schema.json");
fs.writeFileSync(file, configJsonSchema());
console.log(`wrote ${path.relative(process.cwd(), file)}`);
