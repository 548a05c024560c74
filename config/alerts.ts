// Cloud Monitoring alerts: who is told when the platform is unwell, and how near its limits the database may run.
import { z } from "zod";
import { DEFAULTS } from "../lib/defaults";

const T = DEFAULTS.alerts.thresholds;

/** An existing notification channel's resource name (Cloud Monitoring's NotificationChannel.name). */
export const notificationChannelName = z
  .string()
  .regex(
    /^projects\/[a-z0-9-]{1,30}\/notificationChannels\/[0-9]+$/,
    'must be a notification channel\'s name: "projects/<project>/notificationChannels/<numeric id>"',
  );

const percent = (what: string, fallback: number) =>
  z.number().int().min(1).max(100).default(fallback).describe(`alert when ${what} stays above this percentage for 10 minutes`);

export const AlertsSchema = z
  .object({
    emails: z
      .array(z.email("must be an email address such as oncall@example.com"))
      .default([])
      .describe(
        "an email notification channel per address, told of every alert policy; the policies exist only when this list or `notificationChannels` names someone",
      ),
    notificationChannels: z
      .array(notificationChannelName)
      .default([])
      .describe(
        "existing notification channels (Slack, PagerDuty, SMS, ...) told of every alert policy as well: `projects/<project>/notificationChannels/<id>`",
      ),
    thresholds: z
      .object({
        databaseCpuPercent: percent("the Cloud SQL instance's CPU use", T.databaseCpuPercent),
        databaseMemoryPercent: percent("the Cloud SQL instance's memory use", T.databaseMemoryPercent),
        databaseDiskPercent: percent("the Cloud SQL instance's disk use", T.databaseDiskPercent),
        containerRestarts: z
          .number()
          .int()
          .min(1)
          .default(T.containerRestarts)
          .describe(
            "alert when a container of the metadata service, the UI backend or the Argo workflow controller restarts more than this many times in 10 minutes",
          ),
      })
      .strict()
      .prefault({})
      .describe("how near their limits the alerts fire"),
  })
  .strict();
