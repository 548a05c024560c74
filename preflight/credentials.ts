// The caller's Google credentials, fetched once before any check that needs them: without them every Google check
// would fail alike, so one line says what is missing and those checks are skipped.
import { RequestAuth } from "./http";
import { CheckResult } from "./result";

export const CREDENTIALS_CHECK = "credentials";

/** Passes when the caller's credentials yield request headers (an access token). */
export async function checkCredentials(auth: RequestAuth): Promise<CheckResult> {
  try {
    await auth.getRequestHeaders();
    return { check: CREDENTIALS_CHECK, status: "pass", message: "Application Default Credentials give an access token" };
  } catch (error) {
    return {
      check: CREDENTIALS_CHECK,
      status: "fail",
      message: `no Google credentials: ${(error as Error).message.replace(/\.$/, "")}`,
      fix: "gcloud auth application-default login, or GOOGLE_APPLICATION_CREDENTIALS naming a credential configuration (Workload Identity Federation) of the deployer",
    };
  }
}

/** The line of a Google check that was not run for want of credentials. */
export function needsCredentials(check: string): CheckResult {
  return { check, status: "skip", message: `not run: it reads Google's APIs, and the ${CREDENTIALS_CHECK} check failed` };
}
