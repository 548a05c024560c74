// What every check gets: the environment as resolved from the configuration, and the clients to ask Google and the
// registries with.
import { AppConfig, EnvironmentConfig } from "../config";
import { Endpoints } from "./endpoints";
import { GoogleClient } from "./http";

export interface PreflightContext {
  readonly env: EnvironmentConfig;
  readonly stateBackend: AppConfig["stateBackend"];
  readonly google: GoogleClient;
  readonly endpoints: Endpoints;
  /** Bound on each request, in milliseconds. */
  readonly timeoutMs: number;
}
