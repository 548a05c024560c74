// Where each stack keeps its Terraform state, and how the services stack reads the infra stack's.
import {
  DataTerraformRemoteStateGcs,
  DataTerraformRemoteStateLocal,
  GcsBackend,
  LocalBackend,
  TerraformRemoteState,
  TerraformStack,
} from "cdktf";
import { Construct } from "constructs";
import { AppConfig } from "./config";

type StateBackend = AppConfig["stateBackend"];

// Terraform runs in cdktf.out/stacks/<stack>; local state lives in the project root, where it survives
// a fresh synth. A relative path keeps the synthesized JSON the same on every machine.
const localStatePath = (stackName: string) => `../../../terraform.${stackName}.tfstate`;
const gcsPrefix = (backend: NonNullable<StateBackend>, stackName: string) => `${backend.prefix}/${stackName}`;

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
