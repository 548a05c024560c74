// The code's layers (docs/architecture.md): lib/ imports nothing of the project; config/ and constructs/ import only
// themselves and lib/, never each other; stacks/ builds on all three; the tools (main.ts, review/, preflight/,
// scripts/) sit on top and nothing of the app imports them. And no two files import each other, however indirectly.
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const root = path.join(__dirname, "..");

/** What each layer may import, besides itself. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  lib: [],
  config: ["lib"],
  constructs: ["lib"],
  stacks: ["config", "constructs", "lib"],
  tools: ["stacks", "config", "constructs", "lib"],
};

function layerOf(file: string): string {
  const top = file.split("/")[0];
  return top in MAY_IMPORT && top !== "tools" ? top : "tools";
}

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return sources(rel);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [rel] : [];
  });
}

/**
 * The project files a file imports (relative specifiers resolved to `<path>.ts` or `<path>/index.ts`, or to a
 * JavaScript file named in full).
 */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(fs.readFileSync(path.join(root, file), "utf8"), true, true);
  return importedFiles
    .map((i) => i.fileName)
    .filter((spec) => spec.startsWith("."))
    .map((spec) => {
      const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      const found = [`${base}.ts`, `${base}/index.ts`, ...(base.endsWith(".js") ? [base] : [])].find((candidate) =>
        fs.existsSync(path.join(root, candidate)),
      );
      if (found === undefined) throw new Error(`${file}: cannot resolve ${spec}`);
      return found;
    });
}

const files = ["main.ts", ...["lib", "config", "constructs", "stacks", "review", "preflight", "verify", "scripts"].flatMap(sources)];
const graph = new Map(files.map((file) => [file, importsOf(file)]));

/** Every import that breaks the layer rule, as "from -> to". */
function layerViolations(edges: Map<string, string[]>): string[] {
  return [...edges].flatMap(([from, targets]) =>
    targets
      .filter((to) => layerOf(to) !== layerOf(from) && !MAY_IMPORT[layerOf(from)].includes(layerOf(to)))
      .map((to) => `${from} -> ${to}`),
  );
}

/** The import cycles, each as the files around it (Tarjan's strongly connected components of size > 1). */
function cycles(edges: Map<string, string[]>): string[][] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string) => {
    order.set(node, index);
    low.set(node, index++);
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (!order.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(node, Math.min(low.get(node)!, order.get(next)!));
    }
    if (low.get(node) === order.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of edges.keys()) if (!order.has(node)) visit(node);
  return found;
}

test("imports run one way: lib <- config, constructs <- stacks <- tools", () => {
  expect(graph.size).toBeGreaterThan(100);
  expect(layerViolations(graph)).toEqual([]);
});

test("no import cycle among the project's files", () => {
  expect(cycles(graph)).toEqual([]);
});

test("the checks catch what they are for", () => {
  const planted = new Map(graph);
  planted.set("constructs/cluster.ts", [...graph.get("constructs/cluster.ts")!, "config/cluster.ts"]);
  planted.set("lib/defaults.ts", ["lib/labels.ts"]);
  planted.set("lib/labels.ts", ["lib/defaults.ts"]);
  expect(layerViolations(planted)).toEqual(["constructs/cluster.ts -> config/cluster.ts"]);
  expect(cycles(planted)).toEqual([["lib/defaults.ts", "lib/labels.ts"]]);
});
