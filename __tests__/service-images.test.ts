// stacks/service-images.ts lists what the preflight resolves in the registries: it must be exactly the set of images the
// synthesized services stack runs (container images of Deployments and Jobs, and every image in the Helm values,
// where the argoproj charts split a reference into registry, repository and tag).
import { parseConfig } from "../config";
import { parseImageRef } from "../lib/image-refs";
import { serviceImages } from "../stacks/service-images";
import { allImages, devConfig, synthDev, upstreamImage } from "./helpers";

/** A reference with its registry and Docker Hub's library/ spelt out, as the caches' paths are read back. */
const normalized = (ref: string) => {
  const { host, path, suffix } = parseImageRef(ref);
  return `${host}/${path}${suffix}`;
};

const DIGEST = `sha256:${"b".repeat(64)}`;

/** The dev environment with every image setting moved off its default. */
function options(env: any): void {
  env.services = {
    images: {
      metadataService: `registry.example.com/metaflow/metaflow_metadata_service:v2.5.1@${DIGEST}`,
    },
    argoWorkflows: { imageTag: "v3.7.10" },
    argoEvents: { imageTag: "v1.9.9", jetstreamVersion: "2.9.16" },
  };
}

describe.each([
  ["the shipped configuration", () => undefined],
  ["every image setting changed", options],
])("with %s", (_, mutate: (env: any) => void) => {
  // What the nodes pull, read back to the upstream reference each cache path stands for.
  const synthesized = [...new Set(allImages(synthDev(mutate).servicesJson).map((i) => normalized(upstreamImage(i.image))))].sort();
  const listed = serviceImages(parseConfig(devConfig(mutate)).environments[0]).map((i) => normalized(i.image));

  test("every image the services stack runs is listed", () => {
    expect(synthesized.filter((image) => !listed.includes(image))).toEqual([]);
  });

  test("every listed image is one the services stack runs, listed once", () => {
    expect([...new Set(listed)].sort()).toEqual(synthesized);
    expect(new Set(listed).size).toBe(listed.length);
  });
});
