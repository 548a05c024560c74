// No stack refers to another: the services stack reads the infra stack only through the infra stack's named outputs
// and a terraform_remote_state it declares itself (lib/infra-outputs.ts). A reference across stacks would make cdktf
// wire the two through outputs and remote state of its own, named by construct paths, unreviewed and renamed whenever a
// construct moves. Checked on every stack cdktf writes (the whole app synthesized, as `cdktf synth` does) for the
// example and for configurations that turn options on.
import { addEnvironments } from "../stacks/app";
import { parseConfig } from "../config";
import { defaultRawConfig, devConfig, synthStacks } from "./helpers";
import { foreignReferences } from "./json";

const configs: [string, any][] = [
  ["the example", defaultRawConfig()],
  [
    "a GCS state backend, CI, the admin role and a group of flow runners",
    devConfig((e, raw) => {
      raw.stateBackend = { bucket: "acme-terraform-state" };
      e.ci = { github: { repository: "acme/ml-platform" } };
      e.identity = { createAdminRole: true, flowRunners: ["group:ml@example.com"] };
      e.services = { replicas: 2 };
    }),
  ],
  [
    "an Autopilot regional cluster",
    devConfig((e) => {
      delete e.zone;
      e.cluster = { mode: "autopilot", regional: true };
    }),
  ],
];

test.each(configs)("no stack of %s refers to another stack", (_name, raw) => {
  const stacks = synthStacks((app) => addEnvironments(app, parseConfig(raw)));
  expect(Object.keys(stacks).length).toBeGreaterThanOrEqual(2);
  const found = Object.entries(stacks).flatMap(([stack, json]) => foreignReferences(stack, json));
  expect(found).toEqual([]);
  // The check sees the references each stack does hold: the services stack reads the infra stack's outputs.
  const services = Object.entries(stacks).find(([s]) => s.endsWith("-services"))![1];
  expect(JSON.stringify(services)).toContain("${data.terraform_remote_state.infra.outputs.");
});

test("an expression or a dependency naming a resource of another stack is found; its own resources are not", () => {
  const json = {
    resource: {
      google_service_account: {
        reader: { description: "${google_service_account.sa.email}", display_name: "${google_service_account.reader.id}" },
      },
      google_project_iam_member: {
        grant: {
          member: "serviceAccount:${google_service_account.reader.email}",
          condition: [{ expression: '${jsonencode({ a = "}", b = data.google_project.other.number })}' }],
          depends_on: ["google_service_account.reader", "google_project_service.apis_compute_2915FCDA"],
          description: "$${google_storage_bucket.literal.name} is text, not a reference",
        },
      },
    },
  };
  expect(foreignReferences("dev-services", json)).toEqual([
    "dev-services: resource.google_service_account.reader.description refers to google_service_account.sa, which is not in the stack",
    "dev-services: resource.google_project_iam_member.grant.condition[0].expression refers to data.google_project.other, which is not in the stack",
    "dev-services: resource.google_project_iam_member.grant.depends_on[1] refers to google_project_service.apis_compute_2915FCDA, which is not in the stack",
  ]);
});
