// The cdktf-init way of running the tests, used only by `npm run bench`: ts-jest type-checking every test file, and
// the template's setup (scripts/jest.baseline.setup.js).
const project = require("../jest.config.js");

module.exports = {
  ...project,
  rootDir: "..",
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "scripts/tsconfig.baseline.json" }] },
  setupFilesAfterEnv: ["<rootDir>/scripts/jest.baseline.setup.js"],
};
