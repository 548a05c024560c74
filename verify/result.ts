// What a check reports: one line each, with the time it took, and the summary line under them.

/** pass: it holds. fail: it does not (or could not be read). skip: not checked, and the line says why. */
export type Status = "pass" | "fail" | "skip";

export interface CheckResult {
  /** What was checked, e.g. "deployment metaflow/metadata-service". */
  readonly check: string;
  readonly status: Status;
  /** What was found. */
  readonly message: string;
  /** What to do about it (fail). */
  readonly fix?: string;
  /** How long the check took, waits included, in milliseconds. */
  readonly ms?: number;
}

const LABEL: Record<Status, string> = { pass: "PASS", fail: "FAIL", skip: "SKIP" };

/** `FAIL  check: message (1.2 s). Fix: fix` */
export function formatResult(r: CheckResult): string {
  const time = r.ms === undefined ? "" : ` (${(r.ms / 1000).toFixed(1)} s)`;
  const fix = r.fix ? `. Fix: ${r.fix}` : "";
  return `${LABEL[r.status]}  ${r.check}: ${r.message}${time}${fix}`;
}

/** "7 passed, 1 failed, 0 skipped" */
export function summary(results: readonly CheckResult[]): string {
  const count = (s: Status) => results.filter((r) => r.status === s).length;
  return `${count("pass")} passed, ${count("fail")} failed, ${count("skip")} skipped`;
}
