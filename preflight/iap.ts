// services.access "iap": IAP signs users in with Google's own OAuth client, which admits accounts of the project's
// organisation only (Google's IAP docs, "Customize an OAuth configuration to enable IAP"). Resource Manager's
// projects.get (v3: GET v3/projects/{project}) names the project's parent: an organisation or one of its folders, or
// nothing for a project outside any organisation.
import { PreflightContext } from "./context";
import { googleError, refusalFix } from "./http";
import { CheckResult } from "./result";

export const IAP_CHECK = "iap sign-in";

/** No line unless services.access is "iap". */
export async function checkIapOrganisation(ctx: PreflightContext): Promise<CheckResult[]> {
  return ctx.env.services.access.mode === "iap" ? [await projectOrganisation(ctx)] : [];
}

async function projectOrganisation(ctx: PreflightContext): Promise<CheckResult> {
  const check = IAP_CHECK;
  const project = ctx.env.project;
  const response = await ctx.google.call("cloudresourcemanager", "GET", `v3/projects/${project}`);
  if (response.status !== 200) {
    return {
      check,
      status: "fail",
      message: `projects.get on ${project} was refused (${googleError(response)})`,
      fix: refusalFix(response, "check the project id, and that you can see the project"),
    };
  }
  const parent = (response.json as { parent?: unknown } | undefined)?.parent;
  if (typeof parent === "string" && /^(organizations|folders)\//.test(parent)) {
    return { check, status: "pass", message: `${project} is under ${parent}: its organisation's accounts can sign in to the UIs` };
  }
  return {
    check,
    status: "warn",
    message: `${project} belongs to no organisation, and Google's OAuth client for IAP admits accounts of the project's organisation only: nobody may be able to sign in to the UIs`,
    fix: 'move the project into your organisation, or set services.access to "internal" or "port-forward"',
  };
}
