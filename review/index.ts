// The review library: load a synth directory, review it, render Markdown. See scripts/review.ts for the CLI.
export { loadSynthDir, synthFromJson, environments, ReviewInputError } from "./load";
export { review, reviewEnvironment, reviewedEnvironments, summary } from "./report";
export { writeReports } from "./write";
export type { EnvironmentReview, ReviewOptions } from "./report";
export type { Flag, Section, SynthModel } from "./model";
