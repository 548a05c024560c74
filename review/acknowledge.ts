// Acknowledged warnings: a team's `review.acknowledge` entries matched against the flags a review raises.
// An entry names one section and the warning's whole text (`*` for any run of text); a loud flag is never taken
// in, so a pattern cannot hide a new loud flag, and an entry that matches no warning is reported, not kept silently.
import { Acknowledgement } from "../config/review";
import { Flag } from "./model";

export type { Acknowledgement } from "../config/review";

/** The warning text an entry's `flag` stands for: the whole message, `*` for any text. */
function pattern(flag: string): RegExp {
  const literal = flag.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${literal.join(".*")}$`, "s");
}

/** Marks flags with the acknowledgements that match them, and keeps count of what each entry matched. */
export class Acknowledgements {
  private readonly entries: { ack: Acknowledgement; re: RegExp; warnings: number; loud: number }[];

  constructor(acks: readonly Acknowledgement[] = []) {
    this.entries = acks.map((ack) => ({ ack, re: pattern(ack.flag), warnings: 0, loud: 0 }));
  }

  /** The flags, each warning an entry matches marked with that entry's reason. */
  apply(flags: Flag[]): Flag[] {
    return flags.map((flag) => {
      const entry = this.entries.find((e) => e.ack.section === flag.section && e.re.test(flag.message));
      if (!entry) return flag;
      if (flag.severity === "loud") {
        entry.loud++;
        return flag;
      }
      entry.warnings++;
      return { ...flag, acknowledged: entry.ack.reason };
    });
  }

  /** Report lines about entries that acknowledge nothing: they match no warning, or only loud flags. */
  unused(notReviewed: readonly string[] = []): string[] {
    return this.entries
      .filter((e) => e.warnings === 0 && !notReviewed.includes(e.ack.section))
      .map((e) =>
        e.loud > 0
          ? `[${e.ack.section}] "${e.ack.flag}" matches only loud flags, which cannot be acknowledged: fix what they report`
          : `[${e.ack.section}] "${e.ack.flag}" matches no warning of this review: remove it, or correct its text`,
      );
  }
}
