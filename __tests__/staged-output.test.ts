// The synth's staged output moves into cdktf.out: new files replace old ones, and what only the output holds stays.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { moveInto } from "../lib/staged-output";

test("moves every staged file into the output, merging folders and keeping what only the output holds", () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "staged-output-"));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(base, file)), { recursive: true });
    fs.writeFileSync(path.join(base, file), text);
  };
  write("out/manifest.json", "old");
  write("out/stacks/dev-infra/cdk.tf.json", "old");
  write("out/stacks/dev-infra/.terraform/providers.lock", "plugins");
  write("out/review/dev.md", "report");
  write("staging/manifest.json", "new");
  write("staging/stacks/dev-infra/cdk.tf.json", "new");
  write("staging/stacks/dev-services/assets/chart/Chart.yaml", "chart");

  moveInto(path.join(base, "staging"), path.join(base, "out"));

  const read = (file: string) => fs.readFileSync(path.join(base, "out", file), "utf8");
  expect(read("manifest.json")).toBe("new");
  expect(read("stacks/dev-infra/cdk.tf.json")).toBe("new");
  expect(read("stacks/dev-services/assets/chart/Chart.yaml")).toBe("chart");
  expect(read("stacks/dev-infra/.terraform/providers.lock")).toBe("plugins");
  expect(read("review/dev.md")).toBe("report");
  fs.rmSync(base, { recursive: true, force: true });
});
