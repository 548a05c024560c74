import { ProjectService } from "@cdktf/provider-google/lib/project-service";
import { ProjectApis, REQUIRED_APIS } from "../../constructs/project-apis";
import { bareStack, resolve, resourcesOf, synth } from "./stack";

function build(apis?: string[]) {
  const stack = bareStack("google");
  const construct = new ProjectApis(stack, "apis", { project: "p", apis });
  return { construct, ...synth(stack) };
}

describe("ProjectApis", () => {
  const { construct, text, json } = build();
  const services = Object.values<any>(resourcesOf(json, "google_project_service"));

  test("enables every API the platform calls, by default", () => {
    expect(services.map((s) => s.service).sort()).toEqual([...REQUIRED_APIS].sort());
    expect(REQUIRED_APIS).toEqual(
      expect.arrayContaining(["container.googleapis.com", "sqladmin.googleapis.com", "servicenetworking.googleapis.com"]),
    );
  });

  test("never switches an API, or the services depending on it, off on destroy", () => {
    expect(services).toHaveLength(REQUIRED_APIS.length);
    for (const s of services)
      expect(s).toEqual({ project: "p", service: s.service, disable_on_destroy: false, disable_dependent_services: false });
  });

  test("exposes the services, for the resources that must wait for them", () => {
    const addresses = Object.keys(resourcesOf(json, "google_project_service")).map((name) => `google_project_service.${name}`);
    expect(construct.services.map((s) => s.fqn).map((fqn) => resolve(construct, fqn).slice(2, -1))).toEqual(addresses);
    expect(addresses).toContainEqual(expect.stringMatching(/^google_project_service\.apis_container_\w+$/));
  });

  test("takes another list of APIs", () => {
    const { text: custom } = build(["bigquery.googleapis.com"]);
    expect(Object.keys(resourcesOf(JSON.parse(custom), "google_project_service"))).toHaveLength(1);
    expect(custom).toHaveResourceWithProperties(ProjectService, { service: "bigquery.googleapis.com", disable_on_destroy: false });
    expect(text).not.toContain("bigquery");
  });
});
