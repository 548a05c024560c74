// A misspelt setting must not compile: faults are planted in memory (the files on disk are untouched), the app is
// type-checked with the TypeScript compiler, and stacks/settings.ts must name each fault.
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const ROOT = path.join(__dirname, "..");
const SETTINGS = path.join(ROOT, "stacks", "settings.ts");

interface Plant {
  readonly what: string;
  readonly file: string;
  /** Text replaced, each occurrence; it must occur, or the plant would test nothing. */
  readonly edits: [from: string, to: string][];
  /** What the compiler's message on stacks/settings.ts names. */
  readonly error: RegExp;
}

// One per slice, so that no fault hides another; together they cover a renamed schema key, a renamed prop and a
// schema key no construct takes.
const PLANTS: Plant[] = [
  {
    what: "a schema key renamed (cluster.diskSizeGb)",
    file: "config/cluster.ts",
    edits: [["    diskSizeGb: DiskSizeGb", "    diskSizeGB: DiskSizeGb"]],
    error: /Property 'diskSizeGb' does not exist/,
  },
  {
    what: "a construct prop renamed (DatabaseProps.tier)",
    file: "constructs/database.ts",
    edits: [
      ["readonly tier?: string;", "readonly machineTier?: string;"],
      ["props.tier", "props.machineTier"],
    ],
    error: /'tier' does not exist in type 'Partial<DatabaseProps>'/,
  },
  {
    what: "a schema key that reaches no construct (storage.autoclass)",
    file: "config/storage.ts",
    edits: [["    forceDestroy: z", '    autoclass: z.boolean().default(false).describe("x"),\n    forceDestroy: z']],
    error: /Property 'autoclass' is incompatible with index signature/,
  },
  {
    what: "a schema key renamed in the services slice (services.argoEvents.jetstreamVersion)",
    file: "config/services.ts",
    edits: [["    jetstreamVersion: z", "    jetStreamVersion: z"]],
    error: /Property 'jetstreamVersion' does not exist/,
  },
];

/** The compiler's messages on stacks/settings.ts, with `plants` applied to the sources it reads. */
function settingsErrors(plants: Plant[]): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(ROOT, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  )!;
  const options = { ...config.options, incremental: false, tsBuildInfoFile: undefined };
  const planted = new Map(
    plants.map((p) => {
      let text = fs.readFileSync(path.join(ROOT, p.file), "utf8");
      for (const [from, to] of p.edits) {
        if (!text.includes(from)) throw new Error(`${p.what}: "${from}" is not in ${p.file}; move the plant with the code`);
        text = text.replaceAll(from, to);
      }
      return [path.join(ROOT, p.file), text];
    }),
  );
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile;
  host.getSourceFile = (file, language, ...rest) => {
    const text = planted.get(path.resolve(file));
    return text === undefined ? read(file, language, ...rest) : ts.createSourceFile(file, text, language);
  };
  const program = ts.createProgram([path.join(ROOT, "stacks", "app.ts")], options, host);
  return program.getSemanticDiagnostics(program.getSourceFile(SETTINGS)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

test("stacks/settings.ts fails to compile on a renamed schema key or prop, and on a setting that reaches no construct", () => {
  const errors = settingsErrors(PLANTS);
  const named = PLANTS.map((plant) => [plant.what, errors.some((e) => plant.error.test(e))]);
  expect(named).toEqual(PLANTS.map((plant) => [plant.what, true]));
}, 60_000);
