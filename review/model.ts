// The review's view of a synthesized app: stacks, their resources and the flags the sections raise.

/** A JSON object whose values are read through the guards in shared.ts. */
export type JsonObject = Record<string, unknown>;

/** The blocks of a stack's cdk.tf.json the review reads, in the shape cdktf writes them. */
export interface TerraformJson {
  readonly terraform?: {
    /** One entry: the backend type and its settings. */
    readonly backend?: Record<string, JsonObject>;
    readonly required_providers?: Record<string, { readonly source?: string; readonly version?: string }>;
  };
  /** Provider configurations by provider name, one per alias. */
  readonly provider?: Record<string, JsonObject[]>;
  /** Resource bodies by type, then by Terraform name (with cdktf's "//" metadata). */
  readonly resource?: Record<string, Record<string, JsonObject>>;
  readonly data?: Record<string, Record<string, JsonObject>>;
  readonly output?: Record<string, { readonly value?: unknown; readonly sensitive?: boolean }>;
  readonly variable?: Record<string, { readonly default?: unknown; readonly sensitive?: boolean }>;
  readonly moved?: { readonly from: string; readonly to: string }[];
}

/** A resource or data source as Terraform receives it, with cdktf's metadata split off. */
export interface ResourceModel {
  readonly stack: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  /** Terraform name, e.g. "database_instance_D7FC2283". */
  readonly name: string;
  /** Terraform address, e.g. "google_sql_database_instance.database_instance_D7FC2283" or "data.x.y". */
  readonly address: string;
  /** cdktf construct path, e.g. "dev-infra/database/instance" (absent when the JSON has no metadata). */
  readonly path?: string;
  /** The resource's arguments without the "//" metadata key. */
  readonly body: JsonObject;
}

export interface OutputModel {
  readonly stack: string;
  readonly name: string;
  readonly value: unknown;
  readonly sensitive: boolean;
}

export interface BackendModel {
  /** "local", "gcs", ... ; "none" when the stack declares none (Terraform then uses local state). */
  readonly type: string;
  readonly config: JsonObject;
}

export interface StackModel {
  readonly name: string;
  /** Environment the stack belongs to: the name without its "-infra"/"-services" suffix. */
  readonly env: string;
  /** Stacks this one deploys after (manifest.json). */
  readonly dependencies: string[];
  /** Working directory relative to the synth dir, e.g. "stacks/dev-infra" (relative state paths start here). */
  readonly workingDirectory: string;
  readonly json: TerraformJson;
  readonly resources: ResourceModel[];
  readonly dataSources: ResourceModel[];
  readonly outputs: OutputModel[];
  readonly backend: BackendModel;
}

/** Everything one synth directory holds. */
export interface SynthModel {
  /** cdktf version from manifest.json. */
  readonly version: string;
  readonly stacks: StackModel[];
}

/** One environment's stacks, with the whole synth at hand for cross-stack references. */
export interface EnvironmentModel {
  readonly name: string;
  readonly stacks: StackModel[];
  readonly synth: SynthModel;
}

/** "loud" is something that should not ship as is; "warn" deserves a reviewer's look. */
export type Severity = "loud" | "warn";

export interface Flag {
  readonly severity: Severity;
  readonly section: string;
  readonly message: string;
  /** Address or construct path the flag is about. */
  readonly where?: string;
  /** Short form for a table cell. @default message */
  readonly label?: string;
  /** The reason a team gave in `review.acknowledge` for accepting this warning; never set on a loud flag. */
  readonly acknowledged?: string;
}

/** What a section is built from: one environment and, when the review compares, the older synth's. */
export interface SectionContext {
  readonly env: EnvironmentModel;
  /** The same environment in the older synth; undefined when not compared or new there. */
  readonly before?: EnvironmentModel;
  /** How the older synth is named in the report; undefined when the review compares nothing. */
  readonly againstLabel?: string;
  /** Marks the warnings the environment's `review.acknowledge` accepts; every section passes its flags through it. */
  readonly acknowledge: (flags: Flag[]) => Flag[];
}

/** A report section: its Markdown (without the heading) and the flags it raised. */
export interface Section {
  readonly title: string;
  readonly markdown: string;
  readonly flags: Flag[];
  /** Lines for the terminal summary, under the environment's line (e.g. change counts). @default none */
  readonly summary?: string[];
}
