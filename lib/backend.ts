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
import { gcsStatePrefix, localStatePath } from "./stack-names";

type StateBackend = AppConfig["stateBackend"];
const gcsPrefix = (backend: NonNullable<StateBackend>, stackName: string) => gcsStatePrefix(backend.prefix, stackName);

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
