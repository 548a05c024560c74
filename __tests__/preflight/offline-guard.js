// Preloaded (node --require) into the preflight CLI in tests: any host name but the loopback one fails to resolve,
// so a request that would leave the machine (to Google, a registry, a metadata server by name) fails the test loudly.
const dns = require("dns");

const lookup = dns.lookup;
dns.lookup = function (hostname, ...rest) {
  if (hostname !== "localhost" && hostname !== "127.0.0.1") throw new Error(`offline test: refused to resolve ${hostname}`);
  return lookup.call(this, hostname, ...rest);
};
