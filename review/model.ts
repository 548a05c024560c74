// The review's view of a synthesized app: stacks, their resources and the flags the sections raise.

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
  readonly body: Record<string, any>;
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
  readonly config: Record<string, any>;
}

export interface StackModel {
  readonly name: string;
  /** Environment the stack belongs to: the name without its "-infra"/"-services" suffix. */
  readonly env: string;
  /** Stacks this one deploys after (manifest.json). */
  readonly dependencies: string[];
  /** Working directory relative to the synth dir, e.g. "stacks/dev-infra" (relative state paths start here). */
  readonly workingDirectory: string;
  readonly json: Record<string, any>;
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
}

/** A report section: its Markdown (without the heading) and the flags it raised. */
export interface Section {
  readonly title: string;
  readonly markdown: string;
  readonly flags: Flag[];
}
