// jest globalSetup and globalTeardown: one bundle of cdktf and the bindings per run (see jest-vendor.js).
const fs = require("fs");
const os = require("os");
const path = require("path");
const { VENDOR_DIR_ENV, buildVendor } = require("./jest-vendor.js");

module.exports = async function globalSetup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "metaflow-gcp-jest-vendor-"));
  await buildVendor(dir);
  // Workers start after globalSetup and inherit the environment.
  process.env[VENDOR_DIR_ENV] = dir;
};

module.exports.teardown = async function globalTeardown() {
  const dir = process.env[VENDOR_DIR_ENV];
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
};
