// Where the preflight sends its requests. Google's APIs by their discovery documents' rootUrl, registries by host.
// One base URL (option `baseUrl`, or the environment variable below for the CLI) sends every request to one server
// instead, e.g. a fake on 127.0.0.1: `<base>/<api>/...` for Google's APIs and `<base>/registry/<host>/v2/...`.

/** The Google APIs the preflight calls, by their discovery names. */
export type GoogleApi = "cloudresourcemanager" | "orgpolicy" | "compute" | "storage";

/** The environment variable that sets `baseUrl` for `npm run preflight`. */
export const BASE_URL_ENV = "METAFLOW_GCP_PREFLIGHT_BASE_URL";

/** rootUrl of each API's discovery document (see __tests__/contracts/google-apis.test.ts). */
const ROOT_URLS: Record<GoogleApi, string> = {
  cloudresourcemanager: "https://cloudresourcemanager.googleapis.com/",
  orgpolicy: "https://orgpolicy.googleapis.com/",
  compute: "https://compute.googleapis.com/",
  storage: "https://storage.googleapis.com/",
};

export interface Endpoints {
  /** Root URL of a Google API, ending with "/"; a method's path is appended to it. */
  google(api: GoogleApi): string;
  /** Base URL of a registry's API host, without a trailing "/"; "/v2/..." is appended to it. */
  registry(host: string): string;
}

/** Google's and the registries' own URLs, or all of them under `baseUrl`. */
export function endpoints(baseUrl?: string): Endpoints {
  if (baseUrl === undefined || baseUrl === "") {
    return { google: (api) => ROOT_URLS[api], registry: (host) => `https://${host}` };
  }
  const base = baseUrl.replace(/\/+$/, "");
  return { google: (api) => `${base}/${api}/`, registry: (host) => `${base}/registry/${host}` };
}
