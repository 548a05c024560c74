// The cdktf-init way of running the tests (ts-jest, type-checking every file), used only by `npm run bench`.
const project = require("../jest.config.js");

module.exports = {
  ...project,
  rootDir: "..",
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "scripts/tsconfig.baseline.json" }] },
};
