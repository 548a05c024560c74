// What the cdktf CLI (cdktf-cli 0.21.0, which package.json pins) sends over the network on its own, and how the
// project's scripts turn it off, checked on package.json, cdktf.json and README.
// - @cdktf/commons 0.21.0, src/checkpoint.js (ReportRequest): a usage report to https://checkpoint-api.hashicorp.com,
//   skipped when CHECKPOINT_DISABLE is set (src/environment.js); Terraform reads the same variable for its own
//   upgrade and security-bulletin check.
// - cdktf-cli 0.21.0, bundle/bin/cmds/handlers.js: on an interactive terminal, `npm view cdktf-cli version` to announce
//   a newer release, skipped when DISABLE_VERSION_CHECK is set.
// - @cdktf/cli-core 0.21.0, src/lib/error-reporting.js (shouldReportCrash): crash reports go out only when cdktf.json's
//   sendCrashReports is true or "true".
import * as fs from "fs";
import * as path from "path";

const root = path.join(__dirname, "..", "..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");

test("every npm script that runs the cdktf CLI turns off the checkpoint calls and the version check", () => {
  const cli = Object.entries<string>(pkg.scripts).filter(([, command]) => /(^|&&\s*|\s)cdktf\s/.test(command));
  expect(cli.map(([name]) => name)).toContain("synth");
  for (const [, command] of cli) expect(command).toMatch(/CHECKPOINT_DISABLE=1 DISABLE_VERSION_CHECK=1 cdktf /);
});

test("cdktf.json sends no crash reports", () => {
  expect(JSON.parse(fs.readFileSync(path.join(root, "cdktf.json"), "utf8")).sendCrashReports).toBe("false");
});

test("README's set-up section says how to turn both off for the CLI run by hand", () => {
  const setUp = readme.slice(readme.indexOf("## Set up and test"), readme.indexOf("\n## ", readme.indexOf("## Set up and test") + 1));
  expect(setUp).toContain("export CHECKPOINT_DISABLE=1 DISABLE_VERSION_CHECK=1");
});
