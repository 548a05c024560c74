// The Terraform versions the stacks run on: each stack's required_version, the release CI and `npm run validate`
// run, and what README tells a platform engineer, held to one pin (PINS.terraform).
import * as fs from "fs";
import * as path from "path";
import { PINS } from "../lib/defaults";
import { synthDev } from "./helpers";

const root = path.join(__dirname, "..");
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");
const minimum = /^>= (\d+\.\d+\.\d+)$/.exec(PINS.terraform.requiredVersion)?.[1];

/** True when version a is at least b (x.y.z). */
function atLeast(a: string, b: string): boolean {
  const [x, y] = [a, b].map((v) => v.split(".").map(Number));
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i];
  return true;
}

test("every stack requires the pinned Terraform versions in its terraform block, beside its backend", () => {
  const dev = synthDev();
  for (const json of [dev.infraJson, dev.servicesJson]) {
    expect(json.terraform.required_version).toBe(PINS.terraform.requiredVersion);
    expect(Object.keys(json.terraform.backend)).toEqual(["local"]);
  }
});

test("the constraint is a lower bound that the release CI and validate run satisfies", () => {
  expect(minimum).toBeDefined();
  expect(atLeast(PINS.terraform.tested, minimum!)).toBe(true);
});

test("CI and npm run validate run the tested release, and validate accepts no older Terraform than the stacks", () => {
  const common = read("scripts/validate/common.sh");
  expect(/^TF_VERSION=(\S+)$/m.exec(common)?.[1]).toBe(PINS.terraform.tested);
  expect(/^TF_MIN=(\S+)$/m.exec(common)?.[1]).toBe(minimum);
  for (const file of [".github/workflows/pull-request.yml", ".github/workflows/deploy.yml"]) {
    const versions = [...read(file).matchAll(/terraform_version: (\S+)/g)].map((m) => m[1]);
    expect({ file, versions }).toEqual({ file, versions: [PINS.terraform.tested] });
  }
  for (const file of ["cloudbuild/pull-request.yaml", "cloudbuild/deploy.yaml"]) {
    const images = [...read(file).matchAll(/hashicorp\/terraform:(\S+)/g)].map((m) => m[1]);
    expect({ file, images }).toEqual({ file, images: [PINS.terraform.tested] });
  }
});

test("README's prerequisites name the required and the tested Terraform versions", () => {
  const readme = read("README.md");
  const prerequisites = readme.slice(readme.indexOf("## Prerequisites"), readme.indexOf("\n## ", readme.indexOf("## Prerequisites") + 1));
  expect(prerequisites).toContain(`\`required_version = "${PINS.terraform.requiredVersion}"\``);
  expect(prerequisites).toContain(`Terraform ${PINS.terraform.tested}`);
});
