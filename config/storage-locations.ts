// Cloud Storage bucket locations, as data. Source: "Bucket locations" (https://cloud.google.com/storage/docs/locations,
// last updated 2025-07-31, read 2026-12-06): a bucket's location is a region, a dual-region (predefined, or configurable
// from two regions) or a multi-region. The stored copy of that page read here holds its opening, not its tables of
// names: the predefined dual-regions and the multi-regions below are the names public code lists for that page; check
// them against the page's "Available locations" when this table is updated. Regions are those of config/regions.ts and
// the config's extraZones. A configurable dual-region needs the bucket's custom_placement_config, which the app does
// not set.
import { REGION_ZONES } from "./regions";

/** Multi-regions: large areas holding two or more regions. */
export const MULTI_REGIONS = ["ASIA", "EU", "US"] as const;

/** Predefined dual-regions (each a fixed pair of regions). */
export const DUAL_REGIONS = ["ASIA1", "EUR4", "EUR5", "EUR7", "EUR8", "NAM4"] as const;

/**
 * The location as the app writes it, or undefined when Cloud Storage has no such location. Location names are matched
 * ignoring case and written in upper case, as Cloud Storage reports them and the google provider keeps them in state.
 */
export function storageLocation(location: string, extraRegions: readonly string[] = []): string | undefined {
  const upper = location.toUpperCase();
  const regions = [...Object.keys(REGION_ZONES), ...extraRegions];
  const known = [...MULTI_REGIONS, ...DUAL_REGIONS, ...regions.map((r) => r.toUpperCase())];
  return known.includes(upper) ? upper : undefined;
}

/** Every location name, as written in the rule's message and its did-you-mean. */
export function storageLocationNames(extraRegions: readonly string[] = []): string[] {
  return [...MULTI_REGIONS, ...DUAL_REGIONS, ...Object.keys(REGION_ZONES), ...extraRegions];
}
