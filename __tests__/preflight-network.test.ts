// The preflight's network.existing lines (preflight/network.ts), against the local fake of Google's APIs on 127.0.0.1.
import * as fs from "fs";
import * as path from "path";
import { METAFLOW_ADMIN_PERMISSIONS } from "../constructs/admin-permissions";
import { AppConfig, parseConfig } from "../config";
import { CheckResult, runPreflight } from "../preflight";
import { NETWORK_PROJECT_CHECK, networkProjectPermissions, SUBNETWORK_CHECK, WEBHOOK_RULE_CHECK } from "../preflight/network";
import { FakeApis, FakeState, fixedTokenAuth, passingState } from "./preflight/fake-apis";
import { devConfig } from "./helpers";

const HOST = "acme-net-host";
const SUBNET_KEY = `${HOST}/us-central1/ml-us-central1`;
const SUBNETWORK = {
  network: `https://www.googleapis.com/compute/v1/projects/${HOST}/global/networks/acme-shared`,
  ipCidrRange: "10.60.0.0/20",
  secondaryIpRanges: [
    { rangeName: "ml-pods", ipCidrRange: "10.64.0.0/14" },
    { rangeName: "ml-services", ipCidrRange: "10.68.0.0/20" },
  ],
  privateIpGoogleAccess: true,
};

/** The Shared VPC example (examples/shared-vpc.json), its environment changed by `mutate`. */
function shared(mutate: (env: any) => void = () => undefined): AppConfig {
  const raw = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "examples", "shared-vpc.json"), "utf8"));
  mutate(raw.environments.shared);
  return parseConfig(raw);
}

let fake: FakeApis;
beforeAll(async () => {
  fake = await new FakeApis(passingState(shared().environments[0], METAFLOW_ADMIN_PERMISSIONS)).start();
});
afterAll(() => fake.close());

/** Runs the preflight against a fake that has the host project's subnetwork and grants, then `change`s it. */
async function run(cfg: AppConfig = shared(), change: (s: FakeState) => void = () => undefined): Promise<CheckResult[]> {
  const env = cfg.environments[0];
  fake.state = {
    ...passingState(env, METAFLOW_ADMIN_PERMISSIONS),
    subnetworks: { [SUBNET_KEY]: SUBNETWORK },
    heldIn: { [HOST]: new Set(networkProjectPermissions(env)) },
  };
  change(fake.state);
  fake.requests.length = 0;
  return runPreflight(cfg, env, { auth: fixedTokenAuth(), baseUrl: fake.baseUrl, timeoutMs: 5000 });
}

const lines = (results: CheckResult[], check: string) => results.filter((r) => r.check === check);

describe("existing subnetwork", () => {
  test("passes when it is in the VPC named, with both ranges, read in the host project", async () => {
    expect(lines(await run(), SUBNETWORK_CHECK)).toEqual([
      expect.objectContaining({
        status: "pass",
        message: expect.stringMatching(/is in acme-shared with the secondary ranges ml-pods and ml-services/),
      }),
    ]);
    expect(fake.requestsTo("/compute/").map((r) => r.path)).toContain(
      `/compute/compute/v1/projects/${HOST}/regions/us-central1/subnetworks/ml-us-central1`,
    );
  });

  test("fails when it does not exist, or cannot be read", async () => {
    expect(lines(await run(shared(), (s) => (s.subnetworks = {})), SUBNETWORK_CHECK)).toEqual([
      expect.objectContaining({ status: "fail", message: expect.stringMatching(/ml-us-central1 does not exist/) }),
    ]);
    expect(lines(await run(shared(), (s) => (s.subnetworks = { [SUBNET_KEY]: 403 })), SUBNETWORK_CHECK)).toEqual([
      expect.objectContaining({ status: "fail", fix: expect.stringMatching(/compute.subnetworks.get/) }),
    ]);
  });

  test("fails when a named secondary range is missing, naming the ranges it has", async () => {
    const oneRange = { ...SUBNETWORK, secondaryIpRanges: [SUBNETWORK.secondaryIpRanges[0]] };
    expect(lines(await run(shared(), (s) => (s.subnetworks = { [SUBNET_KEY]: oneRange })), SUBNETWORK_CHECK)).toEqual([
      expect.objectContaining({ status: "fail", message: expect.stringMatching(/has no secondary range ml-services \(it has: ml-pods\)/) }),
    ]);
  });

  test("fails when the subnetwork is in another VPC", async () => {
    const elsewhere = { ...SUBNETWORK, network: `https://www.googleapis.com/compute/v1/projects/${HOST}/global/networks/other` };
    expect(lines(await run(shared(), (s) => (s.subnetworks = { [SUBNET_KEY]: elsewhere })), SUBNETWORK_CHECK)).toEqual([
      expect.objectContaining({
        status: "fail",
        message: expect.stringMatching(/belongs to .*networks\/other, not to the VPC acme-shared/),
      }),
    ]);
  });

  test('services.access "internal": fails when the address is outside the subnetwork\'s primary range, or reserved', async () => {
    const internal = (address: string) => shared((e) => (e.services = { access: { mode: "internal", address } }));
    expect(lines(await run(internal("10.60.0.50")), SUBNETWORK_CHECK)).toEqual([expect.objectContaining({ status: "pass" })]);
    expect(lines(await run(internal("10.10.0.50")), SUBNETWORK_CHECK)).toEqual([
      expect.objectContaining({
        status: "fail",
        message: expect.stringMatching(/services.access.address 10.10.0.50 must be an address of the cluster's subnetwork .*10.60.0.0\/20/),
      }),
    ]);
    expect(lines(await run(internal("10.60.0.1")), SUBNETWORK_CHECK)).toEqual([
      expect.objectContaining({ status: "fail", message: expect.stringMatching(/one of the four addresses GCP reserves/) }),
    ]);
  });

  test("warns when Private Google Access is off", async () => {
    const off = { ...SUBNETWORK, privateIpGoogleAccess: false };
    expect(lines(await run(shared(), (s) => (s.subnetworks = { [SUBNET_KEY]: off })), SUBNETWORK_CHECK)).toEqual([
      expect.objectContaining({ status: "warn", fix: expect.stringMatching(/--enable-private-ip-google-access/) }),
    ]);
  });

  test("gives no line when the stack creates the network", async () => {
    const cfg = parseConfig(devConfig());
    const results = await run(cfg);
    expect([...lines(results, SUBNETWORK_CHECK), ...lines(results, NETWORK_PROJECT_CHECK)]).toEqual([]);
  });
});

describe("webhook firewall rule", () => {
  test('with webhookFirewall "existing": a warning naming the rule the network\'s owners must have, and no firewall permission asked', async () => {
    const cfg = shared((e) => (e.network.existing.webhookFirewall = "existing"));
    const results = await run(cfg, (s) => (s.heldIn = { [HOST]: new Set(["compute.subnetworks.get"]) }));
    expect(lines(results, WEBHOOK_RULE_CHECK)).toEqual([
      expect.objectContaining({
        status: "warn",
        message: expect.stringMatching(
          /allow INGRESS tcp:9443 from 172.16.32.0\/28 to the nodes' service account metaflow-shared-nodes@acme-ml-service.iam.gserviceaccount.com/,
        ),
      }),
    ]);
    expect(lines(results, NETWORK_PROJECT_CHECK)).toEqual([expect.objectContaining({ status: "pass" })]);
  });

  test("no line when the infra stack creates the rule, or JobSet is off", async () => {
    expect(lines(await run(), WEBHOOK_RULE_CHECK)).toEqual([]);
    const off = shared((e) => ((e.network.existing.webhookFirewall = "existing"), (e.services = { jobset: { enabled: false } })));
    expect(lines(await run(off), WEBHOOK_RULE_CHECK)).toEqual([]);
  });
});

describe("quotas", () => {
  test("ask the service project for no NAT address when the NAT is reused or lives in the host project", async () => {
    const quotaLines = (results: CheckResult[]) => results.filter((r) => r.check.startsWith("quota IN_USE_ADDRESSES"));
    expect(quotaLines(await run())).toEqual([]);
    const hostNat = shared((e) => (e.network.existing.nat = "create"));
    expect(quotaLines(await run(hostNat))).toEqual([]);
    const ownNat = shared((e) => (delete e.network.existing.hostProject, (e.network.existing.nat = "create")));
    expect(
      quotaLines(await run(ownNat, (s) => (s.subnetworks = { "acme-ml-service/us-central1/ml-us-central1": SUBNETWORK }))),
    ).toHaveLength(1);
  });
});

describe("network project permissions", () => {
  test("passes when the caller holds, in the host project, what the stack creates there", async () => {
    expect(lines(await run(), NETWORK_PROJECT_CHECK)).toEqual([expect.objectContaining({ status: "pass" })]);
  });

  test("fails naming the firewall permissions the webhook rule needs in the host project", async () => {
    const results = await run(shared(), (s) => (s.heldIn = { [HOST]: new Set(["compute.subnetworks.get"]) }));
    expect(lines(results, NETWORK_PROJECT_CHECK)).toEqual([
      expect.objectContaining({
        status: "fail",
        message: expect.stringMatching(
          /lacks in the host project acme-net-host: compute.firewalls.create, .*compute.networks.updatePolicy/,
        ),
      }),
    ]);
  });

  test("fails when the host project cannot be asked", async () => {
    const results = await run(shared(), (s) => (s.heldIn = {}));
    expect(lines(results, NETWORK_PROJECT_CHECK)).toEqual([
      expect.objectContaining({
        status: "fail",
        message: expect.stringMatching(/testIamPermissions on the host project acme-net-host was refused/),
      }),
    ]);
  });

  test("asks for the range, the peering, the router and NAT only when network.existing creates them", () => {
    const [reuse] = shared().environments;
    const [create] = shared(
      (e) => (e.network.existing = { ...e.network.existing, privateServiceAccess: "create", nat: "create" }),
    ).environments;
    expect(networkProjectPermissions(reuse)).not.toContain("servicenetworking.services.addPeering");
    expect(networkProjectPermissions(reuse)).not.toContain("compute.routers.create");
    expect(networkProjectPermissions(create)).toEqual(
      expect.arrayContaining(["servicenetworking.services.addPeering", "compute.globalAddresses.createInternal", "compute.routers.create"]),
    );
  });

  test("are permissions of the metaflow_admin role, whose contract maps them to these resource types", () => {
    const [create] = shared(
      (e) => (e.network.existing = { ...e.network.existing, privateServiceAccess: "create", nat: "create" }),
    ).environments;
    expect(networkProjectPermissions(create).filter((p) => !METAFLOW_ADMIN_PERMISSIONS.includes(p))).toEqual([]);
  });
});
