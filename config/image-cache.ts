// The registry caches: Artifact Registry remote repositories in front of Docker Hub and quay.io.
import { z } from "zod";
import { DEFAULTS } from "../lib/defaults";
import { rfc1035Label } from "./name-rules";

/** Artifact Registry repository ids: lowercase letters, digits and hyphens, a letter first, 1-63 characters. */
export const artifactRegistryRepositoryId = rfc1035Label("Artifact Registry repository ids", 63);

export const ImageCacheSchema = z
  .object({
    enabled: z
      .boolean()
      .default(DEFAULTS.imageCache.enabled)
      .describe(
        "pull Docker Hub and quay.io images (the platform's and flows') through Artifact Registry remote repositories `<namePrefix>-<env>-docker-hub` and `<namePrefix>-<env>-quay` in the region; `false` pulls them from the registries over Cloud NAT",
      ),
  })
  .strict();
