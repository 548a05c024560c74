// The Cloud Build files (cloudbuild/*.yaml) against the Build resource they configure, as the Cloud Build API's
// discovery document describes it: googleapis/google-api-python-client 2.202.0,
// googleapiclient/discovery_cache/documents/cloudbuild.v1.json (revision 20261029), schemas Build, BuildStep,
// BuildOptions, Volume, Artifacts and ArtifactObjects; the writable fields only (the output-only ones, such as id,
// status and timing, are refused). Google's "Build configuration file schema" page
// (cloud.google.com/build/docs/build-config-file-schema) and "Substituting variable values"
// (cloud.google.com/build/docs/configuring-builds/substitute-variable-values): user-defined substitutions start with
// "_" followed by uppercase letters, digits and "_"; Cloud Build expands $NAME and ${NAME} in a step's args, env,
// entrypoint, dir and script, so a shell variable is written $$NAME; a pull request trigger adds _BASE_BRANCH,
// _HEAD_BRANCH, _HEAD_REPO_URL and _PR_NUMBER, and every build has the built-in PROJECT_ID, BUILD_ID, ... .
// A Duration field is a decimal number of seconds followed by "s" (protobuf's JSON form of Duration).
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { z } from "zod";

const duration = z.string().regex(/^\d+(\.\d+)?s$/, 'a Duration: seconds followed by "s", such as "3600s"');
const strings = z.array(z.string());
const Volume = z.object({ name: z.string(), path: z.string() }).strict();

const BuildStep = z
  .object({
    name: z.string(),
    args: strings.optional(),
    env: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*=/, "KEY=VALUE")).optional(),
    dir: z.string().optional(),
    id: z.string().optional(),
    waitFor: strings.optional(),
    entrypoint: z.string().optional(),
    secretEnv: strings.optional(),
    volumes: z.array(Volume).optional(),
    timeout: duration.optional(),
    script: z.string().optional(),
    allowFailure: z.boolean().optional(),
    allowExitCodes: z.array(z.number().int()).optional(),
    automapSubstitutions: z.boolean().optional(),
    results: z.array(z.unknown()).optional(),
  })
  .strict()
  .refine((s) => !(s.script !== undefined && s.args !== undefined), "a step has args or script, not both");

const BuildOptions = z
  .object({
    automapSubstitutions: z.boolean().optional(),
    defaultLogsBucketBehavior: z
      .enum(["DEFAULT_LOGS_BUCKET_BEHAVIOR_UNSPECIFIED", "REGIONAL_USER_OWNED_BUCKET", "LEGACY_BUCKET"])
      .optional(),
    diskSizeGb: z.union([z.string(), z.number()]).optional(),
    dynamicSubstitutions: z.boolean().optional(),
    enableStructuredLogging: z.boolean().optional(),
    env: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*=/, "KEY=VALUE")).optional(),
    logStreamingOption: z.enum(["STREAM_DEFAULT", "STREAM_ON", "STREAM_OFF"]).optional(),
    logging: z.enum(["LOGGING_UNSPECIFIED", "LEGACY", "GCS_ONLY", "STACKDRIVER_ONLY", "CLOUD_LOGGING_ONLY", "NONE"]).optional(),
    machineType: z
      .enum(["UNSPECIFIED", "N1_HIGHCPU_8", "N1_HIGHCPU_32", "E2_HIGHCPU_8", "E2_HIGHCPU_32", "E2_MEDIUM", "E2_STANDARD_2"])
      .optional(),
    pool: z.object({ name: z.string() }).strict().optional(),
    pubsubTopic: z.string().optional(),
    rankedMachineSeries: strings.optional(),
    requestedVerifyOption: z.enum(["NOT_VERIFIED", "VERIFIED", "BEST_EFFORT"]).optional(),
    secretEnv: strings.optional(),
    sourceProvenanceHash: strings.optional(),
    substitutionOption: z.enum(["MUST_MATCH", "ALLOW_LOOSE"]).optional(),
    volumes: z.array(Volume).optional(),
    workerPool: z.string().optional(),
    workerRelease: z.string().optional(),
  })
  .strict();

const Build = z
  .object({
    steps: z.array(BuildStep).min(1),
    timeout: duration.optional(),
    queueTtl: duration.optional(),
    logsBucket: z.string().optional(),
    options: BuildOptions.optional(),
    substitutions: z
      .record(z.string().regex(/^_[A-Z0-9_]+$/, 'user-defined substitutions are "_" and uppercase letters, digits or "_"'), z.string())
      .optional(),
    tags: strings.optional(),
    serviceAccount: z.string().optional(),
    secrets: z.array(z.unknown()).optional(),
    availableSecrets: z
      .object({ secretManager: z.array(z.unknown()).optional(), inline: z.array(z.unknown()).optional() })
      .strict()
      .optional(),
    artifacts: z
      .object({
        images: strings.optional(),
        objects: z
          .object({ location: z.string().regex(/^gs:\/\//, "a gs:// location"), paths: strings.min(1) })
          .strict()
          .optional(),
        mavenArtifacts: z.array(z.unknown()).optional(),
        npmPackages: z.array(z.unknown()).optional(),
        pythonPackages: z.array(z.unknown()).optional(),
        goModules: z.array(z.unknown()).optional(),
        genericArtifacts: z.array(z.unknown()).optional(),
        oci: z.array(z.unknown()).optional(),
      })
      .strict()
      .optional(),
    images: strings.optional(),
    dependencies: z.array(z.unknown()).optional(),
    gitConfig: z.unknown().optional(),
  })
  .strict();

/** Substitutions every build has, and those a pull request trigger adds. */
const BUILT_IN = [
  "PROJECT_ID",
  "PROJECT_NUMBER",
  "BUILD_ID",
  "LOCATION",
  "TRIGGER_NAME",
  "COMMIT_SHA",
  "REVISION_ID",
  "SHORT_SHA",
  "REPO_NAME",
  "REPO_FULL_NAME",
  "BRANCH_NAME",
  "TAG_NAME",
  "REF_NAME",
  "TRIGGER_BUILD_CONFIG_PATH",
  "SERVICE_ACCOUNT_EMAIL",
  "SERVICE_ACCOUNT",
];
const PULL_REQUEST = ["_BASE_BRANCH", "_HEAD_BRANCH", "_HEAD_REPO_URL", "_PR_NUMBER"];

/** Every $NAME or ${NAME} Cloud Build would expand in a text ($$ is a literal $). */
function substitutionsIn(text: string): string[] {
  return [...text.replace(/\$\$/g, "").matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g)].map((m) => m[1]);
}

/** The names a build file refers to that Cloud Build could not expand. */
function unknownSubstitutions(build: any, file: string): string[] {
  const declared = new Set([
    ...Object.keys(build.substitutions ?? {}),
    ...BUILT_IN,
    ...(file.startsWith("pull-request") ? PULL_REQUEST : []),
  ]);
  const texts = [
    ...build.steps.flatMap((s: any) => [...(s.args ?? []), ...(s.env ?? []), s.entrypoint ?? "", s.dir ?? "", s.script ?? ""]),
    ...(build.options?.env ?? []),
    build.artifacts?.objects?.location ?? "",
  ];
  return [...new Set(texts.flatMap(substitutionsIn))].filter((name) => !declared.has(name));
}

/** A build file's problems: schema issues as "path: message", then unknown substitutions. */
function problems(build: unknown, file: string): string[] {
  const parsed = Build.safeParse(build);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  return unknownSubstitutions(build, file).map(
    (name) => `$${name}: not a substitution of this build (a shell variable is written $$${name})`,
  );
}

const DIR = path.resolve(__dirname, "../../cloudbuild");
const files = fs.readdirSync(DIR).filter((f) => f.endsWith(".yaml"));

test("the pull request and deploy builds are there", () => {
  expect(files.sort()).toEqual(["deploy.yaml", "pull-request.yaml"]);
});

test.each(files)("%s is a valid Build with only known substitutions", (file) => {
  expect(problems(parse(fs.readFileSync(path.join(DIR, file), "utf8")), file)).toEqual([]);
});

test.each(files)("%s calls the tested CI scripts and names the environment by substitution", (file) => {
  const build = parse(fs.readFileSync(path.join(DIR, file), "utf8"));
  const text = JSON.stringify(build.steps);
  expect(text).toMatch(file === "deploy.yaml" ? /scripts\/ci\/deploy\.sh","\$_ENVIRONMENT"/ : /scripts\/ci\/diff\.sh","\$_ENVIRONMENT"/);
});

test.each<[string, (b: any) => void, string]>([
  ["an unknown field", (b) => (b.stepz = b.steps), 'Unrecognized key: "stepz"'],
  ["an output-only field", (b) => (b.status = "SUCCESS"), 'Unrecognized key: "status"'],
  ["a timeout without its unit", (b) => (b.timeout = "3600"), 'timeout: a Duration: seconds followed by "s", such as "3600s"'],
  ["a logging mode that does not exist", (b) => (b.options.logging = "CLOUD_LOGGING"), "options.logging: Invalid option"],
  ["a step without its image", (b) => delete b.steps[0].name, "steps.0.name: Invalid input"],
  [
    "a substitution without its underscore",
    (b) => (b.substitutions = { ENVIRONMENT: "dev" }),
    "substitutions.ENVIRONMENT: Invalid key in record",
  ],
  [
    "a shell variable Cloud Build would expand",
    (b) => (b.steps[0].args = ["-c", "echo $HOME"]),
    "$HOME: not a substitution of this build (a shell variable is written $$HOME)",
  ],
])("refused: %s", (_, mutate, expected) => {
  const build = parse(fs.readFileSync(path.join(DIR, "deploy.yaml"), "utf8"));
  mutate(build);
  expect(problems(build, "deploy.yaml").join("\n")).toContain(expected);
});
