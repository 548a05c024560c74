// Every image the services stack runs (stacks/service-images.ts) resolves in its registry, so a missing tag fails here
// and not in a rollout twenty minutes into the apply.
import { serviceImages } from "../stacks/service-images";
import { PreflightContext } from "./context";
import { headManifest, parseImageRef } from "./registry";
import { CheckResult, guarded } from "./result";

export async function checkImages(ctx: PreflightContext): Promise<CheckResult[]> {
  const lines = await Promise.all(
    serviceImages(ctx.env).map(({ image, use }) =>
      guarded(`image ${image}`, async (): Promise<CheckResult> => {
        const answer = await headManifest(parseImageRef(image), ctx.endpoints, {
          timeoutMs: ctx.timeoutMs,
          googleToken: (url) => ctx.google.accessToken(url),
        });
        return answer.found
          ? { check: `image ${image}`, status: "pass", message: `resolves (${use})` }
          : {
              check: `image ${image}`,
              status: "fail",
              message: `${answer.why} (${use})`,
              fix: "pin an image that exists (services.images, services.argoWorkflows.imageTag, services.argoEvents.imageTag)",
            };
      }),
    ),
  );
  return lines.flat();
}
