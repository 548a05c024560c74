// Names the constructs give GCP resources, shared with the config checks that hold them to GCP's limits.
// Kept free of provider imports so the config can be checked without loading the provider bindings.

/** Names of the network's resources for a prefix such as "metaflow-dev". */
export function networkNames(prefix: string) {
  return {
    vpc: `${prefix}-vpc`,
    subnetwork: `${prefix}-subnet`,
    privateServiceAccess: `${prefix}-psa`,
    router: `${prefix}-router`,
    nat: `${prefix}-nat`,
  };
}

/** Name of the node pool of a Standard cluster. */
export const nodePoolName = (clusterName: string) => `${clusterName}-pool`;

/** Length of a Cloud SQL instance name's random suffix: "-" and 6 hex digits (3 random bytes). */
export const SQL_NAME_SUFFIX_LENGTH = 7;
