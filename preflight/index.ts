// `npm run preflight <env>`: what makes an apply fail twenty minutes in, checked before it starts with the
// deployer's own credentials and no Terraform state. Every check gives one or more lines (result.ts).
import { AppConfig, EnvironmentConfig } from "../config";
import { PreflightContext } from "./context";
import { checkCredentials, needsCredentials } from "./credentials";
import { endpoints } from "./endpoints";
import { DEFAULT_TIMEOUT_MS, GoogleClient, RequestAuth } from "./http";
import { checkImages } from "./images";
import { checkExistingNetwork } from "./network";
import { checkIapOrganisation, IAP_CHECK } from "./iap";
import { ORG_POLICY_CHECKS } from "./org-policies";
import { checkPermissions } from "./permissions";
import { checkQuotas } from "./quotas";
import { CheckResult, guarded } from "./result";
import { checkStateBucket } from "./state-bucket";

export { BASE_URL_ENV } from "./endpoints";
export type { RequestAuth } from "./http";
export { formatResult, summary } from "./result";
export type { CheckResult, Status } from "./result";

export interface PreflightOptions {
  /** The caller's credentials: GoogleAuth (Application Default Credentials) in the CLI, a fixed token in tests. */
  readonly auth: RequestAuth;
  /** One base URL for every Google API and registry, e.g. a fake on 127.0.0.1. @default Google's and the registries' own */
  readonly baseUrl?: string;
  /** Bound on each request, in milliseconds. @default 20000 */
  readonly timeoutMs?: number;
}

/** Runs every check of one environment concurrently and returns their lines in a fixed order. */
export async function runPreflight(config: AppConfig, env: EnvironmentConfig, options: PreflightOptions): Promise<CheckResult[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const urls = endpoints(options.baseUrl);
  const ctx: PreflightContext = {
    env,
    stateBackend: config.stateBackend,
    google: new GoogleClient(options.auth, urls, timeoutMs),
    endpoints: urls,
    timeoutMs,
  };
  const credentials = await checkCredentials(options.auth);
  const haveCredentials = credentials.status === "pass";
  // [name, check, reads Google's APIs]; the registries of public images need no Google credentials.
  const checks: [string, (c: PreflightContext) => Promise<CheckResult | CheckResult[]>, boolean][] = [
    ["permissions", checkPermissions, true],
    ...ORG_POLICY_CHECKS.map(({ check, run }): [string, (c: PreflightContext) => Promise<CheckResult>, boolean] => [check, run, true]),
    ["quotas", checkQuotas, true],
    ["existing network", checkExistingNetwork, true],
    [IAP_CHECK, checkIapOrganisation, true],
    ["state bucket", checkStateBucket, true],
    ["images", checkImages, false],
  ];
  const results = await Promise.all(
    checks.map(([name, check, google]) =>
      google && !haveCredentials ? Promise.resolve([needsCredentials(name)]) : guarded(name, () => check(ctx)),
    ),
  );
  return [credentials, ...results.flat()];
}
