import { ProjectService } from "@cdktf/provider-google/lib/project-service";
import { Construct } from "constructs";

/** The Google APIs the platform calls. */
export const REQUIRED_APIS = [
  "artifactregistry.googleapis.com",
  "cloudresourcemanager.googleapis.com",
  "compute.googleapis.com",
  "container.googleapis.com",
  "iam.googleapis.com",
  "secretmanager.googleapis.com",
  "servicenetworking.googleapis.com",
  "sqladmin.googleapis.com",
  "storage.googleapis.com",
];

/** Identity-Aware Proxy, in front of the UIs (services.access "iap"). */
export const IAP_APIS = ["iap.googleapis.com"];

/** Alert policies and their notification channels (alerts). */
export const ALERTS_APIS = ["monitoring.googleapis.com"];

/** Keyless CI: exchanging a GitHub token (Security Token Service), then acting as a service account (IAM Credentials). */
export const CI_APIS = ["iamcredentials.googleapis.com", "sts.googleapis.com"];

export interface ProjectApisProps {
  readonly project: string;
  /** APIs to enable. @default REQUIRED_APIS */
  readonly apis?: string[];
}

/** Enables the APIs a fresh project lacks, so the first `cdktf deploy` does not fail half-way. */
export class ProjectApis extends Construct {
  readonly services: ProjectService[];

  constructor(scope: Construct, id: string, props: ProjectApisProps) {
    super(scope, id);
    this.services = (props.apis ?? REQUIRED_APIS).map(
      (api) =>
        new ProjectService(this, api.split(".")[0], {
          project: props.project,
          service: api,
          // Other workloads in the project may use the same APIs: never switch them off on destroy.
          disableOnDestroy: false,
          disableDependentServices: false,
        }),
    );
  }
}
