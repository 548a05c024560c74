// What the config checks and the constructs both know of a name: the random suffix of the Cloud SQL instance's name,
// which the Database construct appends at apply time and the config check counts against GCP's limit.

/** Random bytes of the Cloud SQL instance name's suffix. */
export const SQL_NAME_SUFFIX_BYTES = 3;

/** Length of that suffix in the name: "-" and two hex digits a byte. */
export const SQL_NAME_SUFFIX_LENGTH = 1 + 2 * SQL_NAME_SUFFIX_BYTES;
