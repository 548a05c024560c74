// What an environment tells `npm run review`: the warnings its team has looked at and accepts, each with a reason.
import { z } from "zod";

/** The review's section titles, as its report shows them (review/sections.ts; a test keeps the two in step). */
export const REVIEW_SECTIONS = ["Change review", "Inventory", "Access", "Exposure", "Data protection", "Secrets", "Supply chain"] as const;

export const AcknowledgementSchema = z
  .object({
    /** The report section that raises the warning. */
    section: z.enum(REVIEW_SECTIONS),
    /** The warning's text as the report prints it, whole; `*` stands for any text, e.g. an image's tag. */
    flag: z
      .string()
      .trim()
      .min(1)
      // A pattern that starts with `*` names no kind of warning: it could take in any new one.
      .regex(/^[^*]/, "must start with the warning's own words, not *"),
    /** Why the team accepts it: the report prints it beside the warning. */
    reason: z.string().trim().min(1, "must say why the warning is accepted"),
  })
  .strict();

export const ReviewConfigSchema = z
  .object({
    /**
     * Warnings the team accepts: the report still lists each, marked acknowledged with its reason, and counts them
     * apart. Loud flags cannot be acknowledged. @default []
     */
    acknowledge: z.array(AcknowledgementSchema).default([]),
  })
  .strict();

export type Acknowledgement = z.infer<typeof AcknowledgementSchema>;
