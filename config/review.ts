// What an environment tells `npm run review`: the warnings its team has looked at and accepts, each with a reason.
import { z } from "zod";

/** The review's section titles, as its report shows them (review/sections.ts; a test keeps the two in step). */
export const REVIEW_SECTIONS = [
  "Change review",
  "Inventory",
  "Access",
  "Exposure",
  "Node pools",
  "Data protection",
  "Secrets",
  "Supply chain",
] as const;

export const AcknowledgementSchema = z
  .object({
    section: z.enum(REVIEW_SECTIONS).describe("the report section that raises the warning: one of the report's sections"),
    flag: z
      .string()
      .trim()
      .min(1)
      // A pattern that starts with `*` names no kind of warning: it could take in any new one.
      .regex(/^[^*]/, "must start with the warning's own words, not *")
      .describe("the whole warning as the report prints it; `*` stands for any text, e.g. an image's tag, not first"),
    reason: z
      .string()
      .trim()
      .min(1, "must say why the warning is accepted")
      .describe("why the team accepts it, required: the report prints it beside the warning"),
  })
  .strict();

export const ReviewConfigSchema = z
  .object({
    acknowledge: z
      .array(AcknowledgementSchema)
      .default([])
      .describe(
        'warnings of `npm run review` the team accepts, each `{ "section": "Supply chain", "flag": "<the warning\'s text>", "reason": "..." }`: the report still lists each, marked acknowledged with its reason, and counts them apart; `section` one of the report\'s sections, `flag` the whole warning as the report prints it (`*` for any text, not first), `reason` required; loud flags cannot be acknowledged (see docs/review.md#acknowledged-warnings)',
      ),
  })
  .strict();

export type Acknowledgement = z.infer<typeof AcknowledgementSchema>;
