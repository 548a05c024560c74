// `npm run review`: writes <out>/review/<env>.md for every environment of a synth and prints a summary.
// Usage: review [--out <dir>] [--against <dir>] [--env <name>]... [--config <file>] [--allow-stale] [--strict]
// Exit codes: 0 reviewed (loud flags included, unless --strict), 1 --strict and a loud flag fired, 2 bad usage or input.
import * as path from "path";
import { ConfigError, configPath, loadConfig } from "../config";
import { environments, loadSynthDir, review, ReviewInputError, summary, writeReports } from "../review";
import { staleness } from "../review/stale";

// What the synth is built from, by the rule scripts/synth.js rebuilds its bundle on (the files esbuild read for it, the
// lock file, the build's settings): a change to one of them after the synth is a stale review.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { appInputs }: { appInputs(root: string): string[] } = require("./app-inputs.js");

const USAGE = `Usage: npm run review -- [--out <dir>] [--against <dir>] [--env <name>] [--config <file>] [--allow-stale] [--strict]

  --out <dir>      synth directory to review (default: cdktf.out); reports go to <dir>/review/<env>.md,
                   and earlier reports there of environments not reviewed now are removed
  --against <dir>  an older synth directory (e.g. main's cdktf.out) to compare with: added, removed,
                   changed and destroyed-and-recreated resources, and what goes with them; an environment
                   or stack only the older synth has is reported as gone
  --env <name>     only this environment (repeatable; default: all)
  --config <file>  the configuration the synth was made from, for its review.acknowledge entries
                   (default: $METAFLOW_GCP_CONFIG, else environments.json, as the synth reads)
  --allow-stale    review a synth older than its configuration or the app's sources (a failed or
                   skipped synth) with a warning, instead of refusing
  --strict         exit 1 when any loud flag fires (for CI gates)`;

interface Args {
  out: string;
  against?: string;
  envs: string[];
  config: string;
  allowStale: boolean;
  strict: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { out: "cdktf.out", envs: [], config: configPath(), allowStale: false, strict: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new ReviewInputError(`${arg} needs a value\n\n${USAGE}`);
      return v;
    };
    if (arg === "--out") args.out = value();
    else if (arg === "--against") args.against = value();
    else if (arg === "--env") args.envs.push(value());
    else if (arg === "--config") args.config = value();
    else if (arg === "--allow-stale") args.allowStale = true;
    else if (arg === "--strict") args.strict = true;
    else if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else throw new ReviewInputError(`unknown argument ${arg}\n\n${USAGE}`);
  }
  return args;
}

/** Each environment's acknowledged warnings, from the configuration the synth was made from. */
function acknowledgements(file: string) {
  try {
    return Object.fromEntries(loadConfig(file).environments.map((e) => [e.name, e.review.acknowledge]));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ReviewInputError(`${file} does not load, so the synth cannot be current (run \`npm run synth\`):\n${error.message}`);
  }
}

function main(): number {
  const args = parseArgs(process.argv.slice(2));
  // Run from the project's folder, as npm runs it; named relative to it.
  const sources = appInputs(process.cwd()).map((file) => path.relative(process.cwd(), file));
  const stale = staleness(args.out, [args.config, ...sources]);
  if (stale && !args.allowStale)
    throw new ReviewInputError(`${stale}. Run \`npm run synth\` again, or pass --allow-stale to review it as it is.`);
  if (stale) console.error(`review: WARNING ${stale}; reviewing it as it is (--allow-stale).`);
  const synth = loadSynthDir(args.out);
  const before = args.against ? loadSynthDir(args.against) : undefined;
  const known = new Set([...environments(synth), ...(before ? environments(before) : [])].map((e) => e.name));
  const unknown = args.envs.filter((e) => !known.has(e));
  if (unknown.length > 0)
    throw new ReviewInputError(`no environment ${unknown.join(", ")} in ${args.out} (found: ${[...known].join(", ")})`);

  const reviews = review(synth, {
    before,
    againstLabel: args.against,
    only: args.envs.length > 0 ? args.envs : undefined,
    acknowledge: acknowledgements(args.config),
  });
  const dir = path.join(args.out, "review");
  const { removed } = writeReports(dir, reviews);
  console.log(summary(reviews, (env) => path.join(dir, `${env}.md`)));
  for (const file of removed) console.log(`removed ${file}: an earlier report of an environment not reviewed now`);

  const loud = reviews.some((r) => r.flags.some((f) => f.severity === "loud"));
  if (loud && args.strict) {
    console.error("review: loud flags fired (--strict)");
    return 1;
  }
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  if (!(error instanceof ReviewInputError)) throw error;
  console.error(`review: ${error.message}`);
  process.exitCode = 2;
}
