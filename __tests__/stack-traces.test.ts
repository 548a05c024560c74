// What __tests__/setup.ts keeps of jest's source-mapped stack traces: an error still points into the TypeScript, and
// cdktf still records where each token was made (in V8's format, as under Node).
import { Lazy, Tokenization } from "cdktf";

/** Types only: esbuild removes these lines, so the lines below differ between the TypeScript and what runs. */
interface Shifted {
  readonly a: string;
  readonly b: string;
  readonly c: string;
  readonly d: string;
}

test("an error's stack trace points at the line of the TypeScript source", () => {
  const where: Shifted | undefined = undefined;
  const error = new Error("here"); // line 15 of this file
  expect(where).toBeUndefined();
  expect(error.stack).toMatch(/stack-traces\.test\.ts:15:\d+/);
});

test("cdktf records where a token was made, frame by frame", () => {
  const token = Lazy.stringValue({ produce: () => "value" });
  const creationStack = Tokenization.reverseString(token).firstToken?.creationStack ?? [];
  expect(creationStack.length).toBeGreaterThan(3);
  expect(creationStack.some((frame) => /stack-traces\.test\.ts:\d+:\d+/.test(frame))).toBe(true);
});
