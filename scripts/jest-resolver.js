// jest resolver: vendored requests come from the run's bundle (see jest-vendor.js); all else as jest resolves it.
const fs = require("fs");
const path = require("path");
const { VENDORED, VENDOR_DIR_ENV, shimPath } = require("./jest-vendor.js");

let index;

module.exports = (request, options) => {
  const dir = process.env[VENDOR_DIR_ENV];
  if (!dir || !VENDORED.test(request)) return options.defaultResolver(request, options);
  index ??= JSON.parse(fs.readFileSync(path.join(dir, "requests.json"), "utf8"));
  const i = index.indexOf(request);
  // A request the sources do not spell out (built at run time) would load a second cdktf beside the bundle's.
  if (i < 0) throw new Error(`${request} is not in the test bundle: import it by its literal name (scripts/jest-vendor.js)`);
  return shimPath(dir, request, i);
};
