module.exports = require("./jest-setup-vendor.js").teardown;
