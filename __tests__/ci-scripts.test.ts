// The CI scripts (scripts/ci/*.sh) the workflows call, run offline: npm, npx, gh and terraform are stand-ins on PATH that record
// each call (with the directory it ran in and TF_CLI_ARGS_plan) and fail when a call matches FAIL_ON.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseConfig } from "../config";
import { ciMatrix } from "../scripts/ci/environments";
import { devConfig } from "./helpers";

const SCRIPTS = path.resolve(__dirname, "../scripts/ci");

const FAKE = `#!/usr/bin/env bash
name=$(basename "$0")
echo "$name $*\${TF_CLI_ARGS_plan:+ [TF_CLI_ARGS_plan=$TF_CLI_ARGS_plan]}" >>"$CALLS"
if [ -n "\${FAIL_ON:-}" ] && [[ "$name $*" == *"$FAIL_ON"* ]]; then echo "$name failed" >&2; exit 7; fi
case "$name $*" in
  "npx cdktf synth --output "*) mkdir -p "$4" ;;
  "npm run review"*) mkdir -p cdktf.out/review && echo "# dev review" >cdktf.out/review/dev.md ;;
  "terraform -chdir=cdktf.out/stacks/"*"-infra output -raw cluster_endpoint") printf gke-0123.us-central1.gke.goog ;;
esac
exit 0
`;

/** A scratch project folder with cdktf.out stacks of `envs`, a package.json, and the stand-ins on PATH. */
function project(opts: { envs?: string[]; scripts?: Record<string, string> } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ci-scripts-"));
  const bin = path.join(dir, ".bin");
  fs.mkdirSync(bin);
  for (const name of ["npm", "npx", "gh", "terraform"]) fs.writeFileSync(path.join(bin, name), FAKE, { mode: 0o755 });
  for (const env of opts.envs ?? ["dev"]) {
    for (const stack of ["infra", "services"]) fs.mkdirSync(path.join(dir, "cdktf.out/stacks", `${env}-${stack}`), { recursive: true });
  }
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ scripts: opts.scripts ?? { test: "jest" } }));
  const calls = path.join(dir, ".calls");
  const run = (script: string, args: string[], env: Record<string, string> = {}) => {
    const r = spawnSync("bash", [path.join(SCRIPTS, script), ...args], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, CALLS: calls, TMPDIR: dir, ...env },
    });
    const recorded = fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trim().split("\n") : [];
    fs.rmSync(calls, { force: true });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls: recorded };
  };
  return { dir, run };
}

afterAll(() => {
  for (const d of fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith("ci-scripts-"))) {
    fs.rmSync(path.join(os.tmpdir(), d), { recursive: true, force: true });
  }
});

describe("diff.sh", () => {
  test("diffs the infra stack, then the services stack, from the synth, without the state lock", () => {
    const r = project().run("diff.sh", ["dev"]);
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([
      "npx cdktf diff dev-infra --skip-synth [TF_CLI_ARGS_plan=-lock=false]",
      "npx cdktf diff dev-services --skip-synth [TF_CLI_ARGS_plan=-lock=false]",
    ]);
  });

  test("a failed infra diff stops it with the CLI's status", () => {
    const r = project().run("diff.sh", ["dev"], { FAIL_ON: "diff dev-infra" });
    expect(r.status).toBe(7);
    expect(r.calls).toHaveLength(1);
  });

  test("no synth of the environment: one line naming the missing stack, nothing run", () => {
    const r = project({ envs: [] }).run("diff.sh", ["dev"]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe("error: cdktf.out/stacks/dev-infra is missing: run npm run synth first");
    expect(r.calls).toEqual([]);
  });
});

describe("deploy.sh", () => {
  test("preflight, infra, services, then verify through the cluster's DNS endpoint from the infra outputs", () => {
    const r = project().run("deploy.sh", ["dev"]);
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([
      "npm run preflight dev",
      "npx cdktf deploy dev-infra --skip-synth --auto-approve",
      "npx cdktf deploy dev-services --skip-synth --auto-approve",
      "terraform -chdir=cdktf.out/stacks/dev-infra output -raw cluster_endpoint",
      "npm run verify -- dev --server https://gke-0123.us-central1.gke.goog",
    ]);
  });

  test("a failed verify fails the deploy", () => {
    expect(project().run("deploy.sh", ["dev"], { FAIL_ON: "run verify" }).status).toBe(7);
  });

  test.each([
    ["a failed preflight deploys nothing", "run preflight", 1],
    ["a failed infra deploy leaves the services stack alone", "deploy dev-infra", 2],
  ])("%s", (_, failOn, callsMade) => {
    const r = project().run("deploy.sh", ["dev"], { FAIL_ON: failOn });
    expect(r.status).toBe(7);
    expect(r.calls).toHaveLength(callsMade);
  });

  test("usage: exactly one environment", () => {
    expect(project().run("deploy.sh", []).stderr.trim()).toBe("error: usage: deploy.sh <env>");
  });
});

describe("summary.sh", () => {
  function withReports(reports: Record<string, string>) {
    const p = project();
    fs.mkdirSync(path.join(p.dir, "review"));
    for (const [env, text] of Object.entries(reports)) fs.writeFileSync(path.join(p.dir, "review", `${env}.md`), text);
    return p;
  }

  test("one comment body: a marker, then each environment's report folded under its name", () => {
    const p = withReports({ dev: "# dev\nok\n", prod: "# prod\nok\n" });
    expect(p.run("summary.sh", ["review", "out.md"]).status).toBe(0);
    const body = fs.readFileSync(path.join(p.dir, "out.md"), "utf8");
    expect(body.split("\n").slice(0, 2)).toEqual(["<!-- metaflow-gcp review -->", "## metaflow-gcp review"]);
    expect(body).toContain("<details><summary>dev</summary>\n\n# dev\nok\n");
    expect(body.indexOf("<summary>dev")).toBeLessThan(body.indexOf("<summary>prod"));
  });

  test("a body over the limit is cut at a line, with a note, under the limit", () => {
    const p = withReports({ dev: Array.from({ length: 500 }, (_, i) => `| row ${i} | ${"x".repeat(40)} |`).join("\n") });
    expect(p.run("summary.sh", ["review", "out.md", "5000"]).status).toBe(0);
    const body = fs.readFileSync(path.join(p.dir, "out.md"), "utf8");
    expect(body.length).toBeLessThanOrEqual(5000);
    expect(body).toMatch(/\|\n\n\*\*Cut to fit a comment\*\*: the full reports are in the run's `review` artifact\.\n$/);
  });

  test("no report: an error, no body", () => {
    const p = withReports({});
    const r = p.run("summary.sh", ["review", "out.md"]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe("error: no review report in review (did npm run review run?)");
    expect(fs.existsSync(path.join(p.dir, "out.md"))).toBe(false);
  });
});

describe("base-synth.sh and pr-review.sh", () => {
  /** A project that is also a git repository with one commit, `main`, holding `files`. */
  function repo(files: Record<string, string>) {
    const p = project();
    const git = (...args: string[]) => {
      const r = spawnSync("git", args, { cwd: p.dir, encoding: "utf8" });
      if (r.status !== 0) throw new Error(r.stderr);
    };
    git("init", "-q", "-b", "main");
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(p.dir, name), text);
    git("add", ...Object.keys(files));
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "base");
    return p;
  }

  test("base-synth.sh installs and synthesizes the ref's own files into the given folder", () => {
    const p = repo({ "cdktf.json": "{}" });
    const r = p.run("base-synth.sh", ["main", "base.out"]);
    expect(r.status).toBe(0);
    expect(r.calls).toEqual(["npm ci --no-audit --no-fund", `npx cdktf synth --output ${fs.realpathSync(p.dir)}/base.out`]);
  });

  test("base-synth.sh: a ref without the app exits 3; an unknown ref is an error", () => {
    const p = repo({ "README.md": "x" });
    expect(p.run("base-synth.sh", ["main", "base.out"]).status).toBe(3);
    const unknown = p.run("base-synth.sh", ["origin/nope", "base.out"]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("git ref origin/nope not found");
  });

  test("pr-review.sh reviews against the base's synth and writes the comment body", () => {
    const p = repo({ "cdktf.json": "{}" });
    const r = p.run("pr-review.sh", ["main", "body.md"], { RUNNER_TEMP: p.dir });
    expect(r.status).toBe(0);
    expect(r.calls.slice(2)).toEqual(["npm run synth", `npm run review -- --against ${fs.realpathSync(p.dir)}/base.out`]);
    expect(fs.readFileSync(path.join(p.dir, "body.md"), "utf8")).toContain("# dev review");
  });

  test("pr-review.sh: a base without the app is reviewed without --against; a failed base synth stops it", () => {
    const first = repo({ "README.md": "x" }).run("pr-review.sh", ["main", "body.md"]);
    expect(first.status).toBe(0);
    expect(first.calls).toEqual(["npm run synth", "npm run review --"]);
    const broken = repo({ "cdktf.json": "{}" }).run("pr-review.sh", ["main", "body.md"], { FAIL_ON: "cdktf synth" });
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain("error: the synth of main failed (exit 7)");
    expect(broken.calls).not.toContain("npm run synth");
  });
});

describe("previous-release.sh", () => {
  // This repository's own package.json names the previous release; its commit is in this repository's history.
  const commit = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../package.json"), "utf8")).metaflowGcp.previousRelease.commit;

  test("a cached synth of the previous release is used as it is: nothing synthesized", () => {
    const p = project();
    const cache = path.join(p.dir, "cache");
    fs.mkdirSync(path.join(cache, "releases", commit), { recursive: true });
    fs.writeFileSync(path.join(cache, "releases", commit, "manifest.json"), "{}");
    const r = p.run("previous-release.sh", [], { METAFLOW_GCP_CACHE: cache });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(path.join(cache, "releases", commit));
    expect(r.calls).toEqual([]);
  });

  test("without one, the commit's own files are synthesized into the cache", () => {
    const p = project();
    const cache = path.join(p.dir, "cache");
    const r = p.run("previous-release.sh", [], { METAFLOW_GCP_CACHE: cache });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(path.join(cache, "releases", commit));
    expect(r.calls).toEqual(["npm ci --no-audit --no-fund", `npx cdktf synth --output ${path.join(cache, "releases", commit)}.partial`]);
    expect(fs.existsSync(path.join(cache, "releases", commit))).toBe(true);
  });
});

describe("ciMatrix", () => {
  test("one entry per environment with ci, with its deploy environment", () => {
    const config = parseConfig(
      devConfig((dev, raw) => {
        raw.stateBackend = { bucket: "acme-terraform-state" };
        dev.ci = { github: { repository: "acme/ml" } };
        raw.environments.prod = { project: "acme-ml-prod", ci: { github: { repository: "acme/ml", deployEnvironment: "production" } } };
        raw.environments.sandbox = { project: "acme-ml-sandbox" };
      }),
    );
    expect(ciMatrix(config)).toEqual({
      include: [
        { env: "dev", github_environment: "dev" },
        { env: "prod", github_environment: "production" },
      ],
    });
  });

  test("no environment with ci: an empty include, which the workflows skip", () => {
    expect(ciMatrix(parseConfig(devConfig()))).toEqual({ include: [] });
  });
});
