// Facts of Cloud Storage bucket locations as hashicorp/terraform-provider-google v6.50.0 (the provider that
// @cdktf/provider-google 16.12.1 binds) keeps them, checked on what we synthesize. The names a location may take are in
// config/storage-locations.ts, with their source; the bad-config battery refuses the others.
import { resourcesOf, synthDev } from "../helpers";

const bucketLocation = (written: string) =>
  Object.values<any>(resourcesOf(synthDev((e) => (e.storage = { location: written })).infraJson, "google_storage_bucket"))[0].location;

// v6.50.0, google/services/storage/resource_storage_bucket.go: `location` is Required and ForceNew, and its StateFunc
// upper-cases it (strings.ToUpper), so state holds "EU" whatever case the configuration wrote. The app writes the upper
// case itself, so the synthesized JSON and the review read as the state and Cloud Storage's own answers do.
test("the bucket location is written in upper case, whatever case the configuration used", () => {
  expect(["eu", "europe-west1", "Nam4"].map(bucketLocation)).toEqual(["EU", "EUROPE-WEST1", "NAM4"]);
});
