// Node pools: each GKE node pool the stacks create, whether its nodes are Spot or carry GPUs, its taints, and what
// it costs when nothing runs (the nodes its autoscaling minimum keeps).
import { code, flagCell, flagList, paragraphs, table } from "./markdown";
import { Flag, Section, SectionContext } from "./model";
import { block, blocks, list, str, where } from "./shared";

const TITLE = "Node pools";

/** "nothing: it scales to zero", or the nodes kept running per zone. */
function idleCost(min: number, machine: string, gpus: string | undefined): string {
  if (min === 0) return "nothing: it scales to zero";
  return `${min} ${machine} node${min > 1 ? "s" : ""}${gpus ? ` with ${gpus}` : ""} per zone, always running`;
}

export function nodePoolsSection({ env, acknowledge }: SectionContext): Section {
  const flags: Flag[] = [];
  const rows: string[][] = [];
  for (const stack of env.stacks) {
    for (const r of stack.resources.filter((x) => x.type === "google_container_node_pool")) {
      const config = block(r.body.node_config);
      const scaling = block(r.body.autoscaling);
      const min = Number(scaling.min_node_count ?? scaling.total_min_node_count ?? 0);
      const max = Number(scaling.max_node_count ?? scaling.total_max_node_count ?? 0);
      const machine = str(config.machine_type) ?? "?";
      const accelerators = blocks(config.guest_accelerator);
      const gpus = accelerators.map((a) => `${String(a.count)} x ${String(a.type)}`).join(", ") || undefined;
      const taints = blocks(config.taint).map((t) => code(`${String(t.key)}=${String(t.value)}:${String(t.effect)}`));
      const own: Flag[] = [];
      if (gpus !== undefined && min > 0) {
        own.push({
          severity: "warn",
          section: TITLE,
          message: `node pool ${String(r.body.name)} keeps ${min} GPU node${min > 1 ? "s" : ""} per zone running when idle`,
          label: "GPU nodes kept running when idle",
          where: where(r),
        });
      }
      const marked = acknowledge(own);
      flags.push(...marked);
      rows.push([
        code(String(r.body.name)),
        code(machine),
        `${min}-${max}`,
        list(r.body.node_locations as string[] | undefined).join(", ") || "the cluster's",
        config.spot === true ? "Spot" : "on-demand",
        gpus ?? "none",
        taints.join(", ") || "none",
        idleCost(min, machine, gpus),
        flagCell(marked),
      ]);
    }
  }
  const markdown = paragraphs(
    table(
      ["Pool", "Machine", "Nodes per zone", "Zones", "VMs", "GPUs", "Taints", "Cost when idle", "Flags"],
      rows,
      "_No node pool: Autopilot places pods itself._",
    ),
    flagList(flags),
  );
  return { title: TITLE, markdown, flags };
}
