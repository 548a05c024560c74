// Supply chain: every container image and Helm chart Terraform deploys, and whether it is pinned.
import { chartLabel, helmValues, isHelmRelease } from "./helm";
import { code, flagCell, flagList, paragraphs, table } from "./markdown";
import { Flag, ResourceModel, Section, SectionContext } from "./model";
import { display, isLiteral, walkStrings } from "./refs";
import { resolve } from "./resolve";
import { isRecord, walkKeys, where } from "./shared";

const TITLE = "Supply chain";

/** How an image reference is pinned. */
export interface ImagePin {
  readonly kind: "digest" | "tag" | "latest" | "none" | "expression";
  readonly detail: string;
}

/** Splits "registry:5000/repo/name:tag@sha256:..." into its pin; a ":" before the last "/" is a port. */
export function imagePin(image: string): ImagePin {
  if (!isLiteral(image)) return { kind: "expression", detail: "set by an expression" };
  const at = image.indexOf("@");
  if (at !== -1) return { kind: "digest", detail: image.slice(at + 1) };
  const lastSlash = image.lastIndexOf("/");
  const colon = image.indexOf(":", lastSlash + 1);
  if (colon === -1) return { kind: "none", detail: "no tag (means latest)" };
  const tag = image.slice(colon + 1);
  return tag === "latest" ? { kind: "latest", detail: "latest" } : { kind: "tag", detail: tag };
}

/** A chart version that pins one release (not a range, not empty). */
export function isPinnedChartVersion(version: unknown): boolean {
  return typeof version === "string" && /^v?\d+\.\d+\.\d+(-[\w.]+)?(\+[\w.]+)?$/.test(version.trim());
}

interface ImageUse {
  readonly image: string;
  readonly source: string;
  readonly resource: ResourceModel;
}

/** Images of Kubernetes workloads: every "image" string inside a container or init container. */
function workloadImages(r: ResourceModel): ImageUse[] {
  const out: ImageUse[] = [];
  walkStrings(r.body, (s, at) => {
    if (/(^|\.)(container|init_container|ephemeral_container)\[\d+\]\.image$/.test(at)) out.push({ image: s, source: at, resource: r });
  });
  return out;
}

/** Images a Helm release overrides in its values: `image: "repo:tag"` or `{registry, repository, tag, digest}`. */
function helmImages(r: ResourceModel): ImageUse[] {
  const out: ImageUse[] = [];
  const { documents, sets } = helmValues(r);
  for (const doc of documents) {
    // A chart-wide `images.tag` is the tag of each image that sets none of its own (argo-workflows' defaultTag);
    // it is no image itself.
    const images = isRecord(doc) && isRecord(doc.images) ? doc.images : {};
    const commonTag = typeof images.tag === "string" && images.tag !== "" ? images.tag : undefined;
    walkKeys(doc, (key, value, at) => {
      // `image`, and the `...Image` fields of a controller's config (Argo Events' JetStream and STAN versions).
      if ((key === "image" || /[a-z]Image$/.test(key)) && typeof value === "string")
        out.push({ image: value, source: `values ${at}`, resource: r });
      if (key === "image" && isRecord(value) && "repository" in value) {
        const repo = [value.registry, value.repository].filter((x) => x !== undefined && x !== "").join("/");
        const tag = value.tag !== undefined && value.tag !== "" ? value.tag : commonTag;
        const ref = value.digest ? `${repo}@${value.digest}` : tag !== undefined ? `${repo}:${tag}` : `${repo} (chart's default tag)`;
        out.push({ image: ref, source: `values ${at}`, resource: r });
      }
    });
  }
  for (const s of sets) {
    if (/(^|\.)image(\.(tag|repository))?$/.test(s.name))
      out.push({ image: `${s.name}=${display(s.value)}`, source: `set ${s.name}`, resource: r });
  }
  return out;
}

function imageFlags(use: ImageUse): { pin: string; flags: Flag[] } {
  // A repository with the chart's default tag is pinned by the chart version.
  if (use.image.endsWith("(chart's default tag)")) return { pin: "chart default (fixed by the chart version)", flags: [] };
  const pin = imagePin(use.image);
  const flag = (message: string, label: string): Flag[] => [
    { severity: "warn", section: TITLE, message, where: where(use.resource), label },
  ];
  if (pin.kind === "latest" || pin.kind === "none") {
    return {
      pin: pin.detail,
      flags: flag(`image ${use.image} floats (${pin.detail}): each pull may run different code`, `floating (${pin.detail})`),
    };
  }
  // A tag fixes what Terraform sends; the registry can point it at new content (a re-push), a digest cannot move.
  if (pin.kind === "tag") {
    return {
      pin: `tag ${code(pin.detail)}: pinned for Terraform, mutable in the registry`,
      flags: flag(
        `image ${use.image} is pinned by tag only: pinned for Terraform, mutable in the registry (a re-pushed tag runs other code on the next pull); pin a digest (image@sha256:...) to make it immutable`,
        "tag only (mutable in the registry)",
      ),
    };
  }
  return { pin: pin.kind === "digest" ? `digest ${code(pin.detail)} (immutable)` : pin.detail, flags: [] };
}

export function supplyChainSection({ env, acknowledge }: SectionContext): Section {
  const flags: Flag[] = [];
  // One flag per image, however many workloads run it; every row still shows its pin.
  const flagged = new Set<string>();
  const imageRows: string[][] = [];
  const chartRows: string[][] = [];
  for (const stack of env.stacks) {
    for (const r of stack.resources) {
      const written = isHelmRelease(r) ? helmImages(r) : /^kubernetes_/.test(r.type) ? workloadImages(r) : [];
      // An image pulled through a registry cache names the cache's path through the infra state: shown resolved.
      const uses = written.map((use) => ({ ...use, image: resolve(env.synth, stack, use.image) }));
      for (const use of uses) {
        const { pin, flags: found } = imageFlags(use);
        const own = acknowledge(found);
        if (!flagged.has(use.image)) flags.push(...own);
        flagged.add(use.image);
        imageRows.push([code(use.image), pin, code(`${where(r)} ${use.source}`), flagCell(own)]);
      }
      if (isHelmRelease(r)) {
        const found: Flag[] = [];
        if (!isPinnedChartVersion(r.body.version)) {
          found.push({
            severity: "warn",
            section: TITLE,
            message: `Helm chart ${display(r.body.chart)} ${r.body.version ? `version ${display(r.body.version)} is a range` : "has no version"}: the newest matching chart is installed`,
            where: where(r),
          });
        }
        if (typeof r.body.repository === "string" && r.body.repository.startsWith("http://")) {
          found.push({ severity: "warn", section: TITLE, message: `Helm repository ${r.body.repository} is plain HTTP`, where: where(r) });
        }
        const own = acknowledge(found);
        flags.push(...own);
        chartRows.push([
          code(display(r.body.name)),
          code(chartLabel(r)),
          code(display(r.body.namespace ?? "default")),
          code(where(r)),
          flagCell(own),
        ]);
      }
    }
  }
  const markdown = paragraphs(
    flagList(flags),
    "#### Container images",
    table(["Image", "Pinned by", "Where", "Flags"], imageRows, "_No container images in the JSON._"),
    imageRows.length > 0 &&
      "A tag is what Terraform pins: the registry can move it to other content, so only a digest (`image@sha256:...`, accepted for the Metaflow images in `services.images`) fixes what runs.",
    chartRows.length > 0 && "Images a chart does not override come from its defaults, fixed by the chart version.",
    "#### Helm charts",
    table(["Release", "Chart", "Namespace", "Defined at", "Flags"], chartRows, "_No Helm releases._"),
  );
  return { title: TITLE, markdown, flags };
}
