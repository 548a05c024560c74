// What a check reports: one line each, and the summary line under them.

/** pass: nothing here stops the apply. warn: it may, and only a person can tell. fail: it will. skip: not checked. */
export type Status = "pass" | "warn" | "fail" | "skip";

export interface CheckResult {
  /** What was checked, e.g. "permissions" or "org policy gcp.resourceLocations". */
  readonly check: string;
  readonly status: Status;
  /** What was found. */
  readonly message: string;
  /** What to do about it (fail and warn). */
  readonly fix?: string;
}

const LABEL: Record<Status, string> = { pass: "PASS", warn: "WARN", fail: "FAIL", skip: "SKIP" };

/** `FAIL  check: message. Fix: fix` */
export function formatResult(r: CheckResult): string {
  const fix = r.fix ? `. Fix: ${r.fix}` : "";
  return `${LABEL[r.status]}  ${r.check}: ${r.message}${fix}`;
}

/** "3 passed, 1 failed, 2 warnings, 1 skipped" */
export function summary(results: readonly CheckResult[]): string {
  const count = (s: Status) => results.filter((r) => r.status === s).length;
  const warnings = count("warn");
  return `${count("pass")} passed, ${count("fail")} failed, ${warnings} ${warnings === 1 ? "warning" : "warnings"}, ${count("skip")} skipped`;
}

/** Runs a check, turning an unexpected error into its failure line rather than a stack trace. */
export async function guarded(check: string, run: () => Promise<CheckResult | CheckResult[]>): Promise<CheckResult[]> {
  try {
    const result = await run();
    return Array.isArray(result) ? result : [result];
  } catch (error) {
    return [{ check, status: "fail", message: `could not run: ${(error as Error).message}` }];
  }
}
