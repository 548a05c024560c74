// The cdktf template's jest setup (setup.js of `cdktf init`): cdktf's matchers, and nothing of the project's own test
// set-up that is there for speed (__tests__/setup.ts). Used only by scripts/jest.baseline.config.js.
const cdktf = require("cdktf");
cdktf.Testing.setupJest();
