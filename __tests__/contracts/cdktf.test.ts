// How cdktf (0.21.0, which package.json pins) wires a reference from one stack to another, which the app never makes
// (__tests__/stack-references.test.ts looks for its traces in every stack):
// - cdktf 0.21.0, lib/terraform-stack.js (registerOutgoingCrossStackReference): the referenced stack gets an output
//   `cross-stack-output-<reference>`; (registerIncomingCrossStackReference) the referring stack gets a
//   terraform_remote_state `cross-stack-reference-input-<stack>` of the referenced stack's backend, and the reference
//   becomes `${data.terraform_remote_state.cross-stack-reference-input-<stack>.outputs.<output>}`.
// - lib/tfExpression.js (Reference.resolve): the rewiring happens in the preparing pass of App.synth(), before the
//   stacks are written.
import { TerraformOutput, TerraformStack } from "cdktf";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { synthStacks } from "../helpers";
import { foreignReferences } from "../json";

test("a reference across stacks leaves an output in the referenced stack and a remote state in the referring one", () => {
  const stacks = synthStacks((app) => {
    const infra = new TerraformStack(app, "dev-infra");
    new GoogleProvider(infra, "google", { project: "p" });
    const account = new ServiceAccount(infra, "sa", { accountId: "metaflow" });
    const services = new TerraformStack(app, "dev-services");
    new GoogleProvider(services, "google", { project: "p" });
    new ServiceAccount(services, "reader", { accountId: "reader", description: account.email });
    new TerraformOutput(services, "email", { value: account.email });
  });
  const [output] = Object.keys(stacks["dev-infra"].output);
  expect(output).toMatch(/^cross-stack-output-/);
  expect(stacks["dev-infra"].output[output].value).toBe("${google_service_account.sa.email}");
  const reference = `\${data.terraform_remote_state.cross-stack-reference-input-dev-infra.outputs.${output}}`;
  expect(stacks["dev-services"].resource.google_service_account.reader.description).toBe(reference);
  expect(stacks["dev-services"].output.email.value).toBe(reference);
  // What the check on the app's stacks reports for each.
  expect(foreignReferences("dev-infra", stacks["dev-infra"])).toEqual([
    `dev-infra: output ${output} is cdktf's output for a reference from another stack`,
  ]);
  expect(foreignReferences("dev-services", stacks["dev-services"])).toEqual([
    "dev-services: data.terraform_remote_state.cross-stack-reference-input-dev-infra is cdktf's remote state for a reference across stacks",
  ]);
});
