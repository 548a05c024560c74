// gcp.resourceLocations: whether a location passes a list policy of locations. Values are single locations
// ("us-central1", "us-central1-a", "us", optionally "is:"-prefixed) or Google's value groups ("in:us-locations",
// "in:us-central1-locations"). A region's group holds the region and its zones, so it is evaluated here; every
// other group (a country, a continent, a multi-region's members) is Google's list, which is not evaluated offline.
import { ListPolicy, plainValue } from "./org-policy";

export type LocationVerdict =
  | { readonly verdict: "allowed" }
  | { readonly verdict: "refused"; readonly why: string }
  | { readonly verdict: "unknown"; readonly why: string };

/** The region of a region's value group (`in:us-central1-locations`), or undefined for any other group. */
function regionGroup(value: string): string | undefined {
  return /^in:([a-z]+-[a-z]+\d+)-locations$/.exec(value)?.[1];
}

/** How a value compares with a location: it names it, a region group holds it, or it cannot be told offline. */
function matches(value: string, location: string): "yes" | "no" | "unknown" {
  const region = regionGroup(value);
  if (region !== undefined) return location === region || location.startsWith(`${region}-`) ? "yes" : "no";
  if (value.startsWith("in:")) return "unknown";
  const plain = plainValue(value).toLowerCase();
  if (plain === location) return "yes";
  // A region named alone: whether it also admits its zones is not evaluated here.
  if (location.startsWith(`${plain}-`) && /^[a-z]+-[a-z]+\d+$/.test(plain)) return "unknown";
  return "no";
}

/** Whether `location` (case-insensitive) passes the policy. */
export function evaluateLocation(policy: ListPolicy, location: string): LocationVerdict {
  const loc = location.toLowerCase();
  if (policy.denyAll) return { verdict: "refused", why: "the policy denies every location" };
  const deniedBy = policy.denied.find((v) => matches(v, loc) === "yes");
  if (deniedBy) return { verdict: "refused", why: `denied by ${deniedBy}` };
  const unknownDenials = policy.denied.filter((v) => matches(v, loc) === "unknown");
  if (!policy.allowAll && policy.allowed.length > 0) {
    const allowedBy = policy.allowed.find((v) => matches(v, loc) === "yes");
    if (!allowedBy) {
      const unknown = policy.allowed.filter((v) => matches(v, loc) === "unknown");
      if (unknown.length === 0) return { verdict: "refused", why: `not among the allowed values ${policy.allowed.join(", ")}` };
      return { verdict: "unknown", why: `check that ${unknown.join(" or ")} holds ${loc}` };
    }
  }
  if (unknownDenials.length > 0) return { verdict: "unknown", why: `check that ${unknownDenials.join(" and ")} does not hold ${loc}` };
  return { verdict: "allowed" };
}
