import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { Construct } from "constructs";
import { NamespaceRef, createdAfter, metadataIn } from "./namespace";

export interface DbCredentialsProps {
  /** Namespace of the Secret (the namespace of the pods that read it). */
  readonly namespace: NamespaceRef;
  /** Secret name. */
  readonly name: string;
  /** Database user (an infra output). */
  readonly username: string;
  /** Database password (a sensitive infra output; it is never written as a literal). */
  readonly password: string;
}

/** A Kubernetes Secret holding one database login, read by pods through `secretKeyRef`. */
export class DbCredentials extends Construct {
  readonly secretName: string;
  /** Keys of the Secret. */
  readonly usernameKey = "username";
  readonly passwordKey = "password";

  constructor(scope: Construct, id: string, props: DbCredentialsProps) {
    super(scope, id);
    const secret = new SecretV1(this, "secret", {
      metadata: metadataIn(props.namespace, props.name),
      type: "Opaque",
      // `data` takes plain values (the provider encodes them); the password comes from the infra state, not the code.
      data: { [this.usernameKey]: props.username, [this.passwordKey]: props.password },
      dependsOn: createdAfter([props.namespace]),
    });
    this.secretName = secret.metadata.name;
  }

  /** An env var read from one key of this Secret. */
  envFrom(envName: string, key: string) {
    return { name: envName, valueFrom: { secretKeyRef: { name: this.secretName, key } } };
  }
}
