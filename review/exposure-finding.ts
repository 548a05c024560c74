// What the exposure section reports about one resource, and how it classifies an address range.
import * as ipaddr from "ipaddr.js";
import { Flag, ResourceModel } from "./model";

export const TITLE = "Exposure";

/** One thing reachable from outside the VPC (or deliberately not). */
export interface Finding {
  readonly what: string;
  readonly reach: string;
  readonly resource: ResourceModel;
  readonly flags: Flag[];
}

/** "any address" for 0.0.0.0/0, "public" for other non-private ranges, "private" otherwise. */
export function classifyRange(cidr: string): { kind: "any" | "public" | "private" | "unknown"; prefix: number } {
  try {
    const [addr, prefix] = ipaddr.parseCIDR(cidr);
    if (prefix === 0) return { kind: "any", prefix };
    const range = addr.range();
    const internal = ["private", "loopback", "carrierGradeNat", "linkLocal", "uniqueLocal"].includes(range);
    return { kind: internal ? "private" : "public", prefix };
  } catch {
    return { kind: "unknown", prefix: -1 };
  }
}
