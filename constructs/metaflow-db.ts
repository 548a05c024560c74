// What every Metaflow service container shares: the database connection and the unprivileged Python runtime.
import { DbCredentials } from "./db-credentials";

/** How the Metaflow services reach PostgreSQL. */
export interface MetaflowDbConnection {
  /** Host: the Cloud SQL instance's private IP. */
  readonly host: string;
  /** Database name. */
  readonly name: string;
  /** Secret with the login. */
  readonly credentials: DbCredentials;
}

/** Env vars the metadata service, its migrations and the UI backend read (services/utils DBConfiguration, run_goose.py). */
export function metaflowDbEnv(db: MetaflowDbConnection) {
  return [
    { name: "MF_METADATA_DB_HOST", value: db.host },
    // Cloud SQL serves PostgreSQL on its standard port only.
    { name: "MF_METADATA_DB_PORT", value: "5432" },
    { name: "MF_METADATA_DB_NAME", value: db.name },
    db.credentials.envFrom("MF_METADATA_DB_USER", db.credentials.usernameKey),
    db.credentials.envFrom("MF_METADATA_DB_PSWD", db.credentials.passwordKey),
    // Direct connection to the private IP, always TLS: the instance refuses anything else (ssl_mode ENCRYPTED_ONLY).
    { name: "MF_METADATA_DB_SSL_MODE", value: "require" },
  ];
}

/** Env and mounts every Python service container needs to run unprivileged on a read-only root filesystem. */
export const PYTHON_SERVICE_ENV = [
  // The image's user-less UID has no home; libpq and Python look there.
  { name: "HOME", value: "/tmp" },
  { name: "PYTHONDONTWRITEBYTECODE", value: "1" },
  { name: "PYTHONUNBUFFERED", value: "1" },
];
