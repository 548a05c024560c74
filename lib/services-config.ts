// Settings of what runs inside the cluster (the `<env>-services` stack).
import { z } from "zod";
import { dnsLabel } from "./rules";

export const ServicesConfigSchema = z
  .object({
    /** Namespace of the Metaflow services and of the flows' pods and Argo workflows. @default "metaflow" */
    metaflowNamespace: dnsLabel.default("metaflow"),
    /** Namespace of the Argo Workflows and Argo Events controllers. @default "argo" */
    argoNamespace: dnsLabel.default("argo"),
    /** Replicas of each Metaflow service; a PodDisruptionBudget is added above 1. @default 1 */
    replicas: z.number().int().min(1).max(10).default(1),
    /** Keep finished workflows in an archive database on the Cloud SQL instance. @default true */
    argoWorkflowArchive: z.boolean().default(true),
  })
  .strict();

export type ServicesConfig = z.infer<typeof ServicesConfigSchema>;
