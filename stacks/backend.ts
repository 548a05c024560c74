// Each stack's terraform block: the Terraform versions it runs on, where it keeps its state, and how the services stack
// reads the infra stack's.
import {
  DataTerraformRemoteStateGcs,
  DataTerraformRemoteStateLocal,
  GcsBackend,
  LocalBackend,
  TerraformRemoteState,
  TerraformStack,
} from "cdktf";
import { Construct } from "constructs";
import { AppConfig } from "../config";
import { PINS } from "../lib/defaults";
import { gcsStatePrefix, localStatePath } from "../lib/stack-names";

type StateBackend = AppConfig["stateBackend"];
const gcsPrefix = (backend: NonNullable<StateBackend>, stackName: string) => gcsStatePrefix(backend.prefix, stackName);

/** The Terraform versions the stack runs on: an older CLI stops at init instead of misreading the JSON. */
export function requireTerraform(stack: TerraformStack): void {
  // cdktf 0.21 has no typed field for it; addOverride is its public way to set terraform-block keys.
  stack.addOverride("terraform.required_version", PINS.terraform.requiredVersion);
}

/** GCS state under `<prefix>/<stack>` when a state bucket is configured, local state otherwise. */
export function addStateBackend(stack: TerraformStack, backend: StateBackend): void {
  const name = stack.node.id;
  if (backend) {
    new GcsBackend(stack, { bucket: backend.bucket, prefix: gcsPrefix(backend, name) });
  } else {
    new LocalBackend(stack, { path: localStatePath(name) });
  }
}

/** A read of another stack's state in the same backend. */
export function remoteState(scope: Construct, id: string, backend: StateBackend, stackName: string): TerraformRemoteState {
  return backend
    ? new DataTerraformRemoteStateGcs(scope, id, { bucket: backend.bucket, prefix: gcsPrefix(backend, stackName) })
    : new DataTerraformRemoteStateLocal(scope, id, { path: localStatePath(stackName) });
}
