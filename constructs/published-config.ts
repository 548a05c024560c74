import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { NamespaceRef, createdAfter, metadataIn } from "./namespace";

export interface PublishedConfigProps {
  /** Namespace that flow runners can read (the jobs namespace). */
  readonly namespace: NamespaceRef;
  /** `~/.metaflowconfig/config.json`: METAFLOW_* keys only, never a secret. */
  readonly config: Record<string, string>;
  /** The pinned Python packages of the Metaflow client that this platform is tested with (requirements.txt). */
  readonly requirements: string;
}

/**
 * The Metaflow client configuration, published in the cluster as the ConfigMap `metaflow-config`: a flow runner
 * gets it with the cluster credentials they already need, without reading Terraform state (which holds passwords).
 */
export class PublishedConfig extends Construct {
  readonly name = "metaflow-config";
  readonly namespace: string;
  /** Keys of the ConfigMap. */
  readonly configKey = "config.json";
  readonly requirementsKey = "requirements.txt";
  /** The shell command that writes `~/.metaflowconfig/config.json` from the ConfigMap. */
  readonly fetchConfigCommand: string;
  /** The shell command that installs the tested client packages from the ConfigMap. */
  readonly installCommand: string;

  constructor(scope: Construct, id: string, props: PublishedConfigProps) {
    super(scope, id);
    this.namespace = props.namespace.name;
    new ConfigMapV1(this, "config-map", {
      metadata: metadataIn(props.namespace, this.name),
      // jsonencode in Terraform: some values (the bucket) are only known from the infra state.
      data: { [this.configKey]: Fn.jsonencode(hclStrings(props.config)), [this.requirementsKey]: props.requirements },
      dependsOn: createdAfter([props.namespace]),
    });
    const get = (key: string) => `kubectl -n ${this.namespace} get configmap ${this.name} -o jsonpath='{.data.${key.replace(".", "\\.")}}'`;
    this.fetchConfigCommand = `mkdir -p ~/.metaflowconfig && ${get(this.configKey)} > ~/.metaflowconfig/config.json`;
    this.installCommand = `${get(this.requirementsKey)} > /tmp/metaflow-requirements.txt && pip install -r /tmp/metaflow-requirements.txt`;
  }
}

/**
 * cdktf writes the literal strings of an object passed to a Terraform function between quotes as they are: a value
 * holding `"` or `\\` (the tolerations' JSON) would end the HCL string early. Escaped here, as HCL reads them back.
 */
function hclStrings(config: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k, Token.isUnresolved(v) ? v : v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')]),
  );
}
