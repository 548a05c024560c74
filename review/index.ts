// The review library: load a synth directory, review it, render Markdown. See scripts/review.ts for the CLI.
export { loadSynthDir, synthFromJson, environments, ReviewInputError } from "./load";
export { review, reviewEnvironment, reviewedEnvironments, summary } from "./report";
export { writeReports } from "./write";
export type { EnvironmentReview, ReviewOptions } from "./report";
export { SECTIONS } from "./sections";
export type { SectionDefinition } from "./sections";
export type { Flag, Section, SectionContext, SynthModel } from "./model";
