// The review library: load a synth directory, review it, render Markdown. See scripts/review.ts for the CLI.
export { loadSynthDir, synthFromJson, environments, ReviewInputError } from "./load";
export { review, reviewEnvironment, summary } from "./report";
export type { EnvironmentReview, ReviewOptions } from "./report";
export type { Flag, Section, SynthModel } from "./model";
