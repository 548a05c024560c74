// Prints the metaflow_admin custom role as a gcloud role file, for the first deployer's bootstrap:
//   npm run --silent admin-role > metaflow-admin.yaml
//   gcloud iam roles create metaflow_admin --project <project> --file metaflow-admin.yaml
import { stringify } from "yaml";
import { METAFLOW_ADMIN_PERMISSIONS } from "../constructs/admin-permissions";

process.stdout.write(
  stringify({
    title: "Metaflow admin",
    description: "Permissions to deploy the Metaflow platform with metaflow-gcp",
    stage: "GA",
    includedPermissions: METAFLOW_ADMIN_PERMISSIONS,
  }),
);
