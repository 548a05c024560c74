// The Metaflow client that this platform is tested with: exact pins of every package, published to users in the
// cluster (the ConfigMap `metaflow-config`) and installed from the same file by the cluster test.
import * as fs from "fs";
import * as path from "path";

/** The pinned requirements file. Resolves alike from lib/ (ts-node, jest) and from the dist/ bundle. */
export const METAFLOW_CLIENT_REQUIREMENTS_FILE = path.join(__dirname, "..", "requirements", "metaflow-client.txt");

/** Its content, as pip reads it; read when a services stack is built. */
export function metaflowClientRequirements(): string {
  return fs.readFileSync(METAFLOW_CLIENT_REQUIREMENTS_FILE, "utf8");
}
