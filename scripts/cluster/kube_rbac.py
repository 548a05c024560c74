"""Access reviews: a SubjectAccessReview, answered by the API server's RBAC
authorizer, for every row of the expectations file."""
import os
import sys

from expectations import expectations
from kube_api import call


def subject(row):
    """(user, groups, label) the authorizer sees for a row's subject."""
    if "serviceaccount" in row:
        ns, name = row["serviceaccount"].split("/")
        return (f"system:serviceaccount:{ns}:{name}",
                ["system:serviceaccounts", f"system:serviceaccounts:{ns}", "system:authenticated"],
                f"sa {ns}/{name}")
    return row["user"], list(row.get("groups", [])) + ["system:authenticated"], f"user {row['user']}"


def review(user, groups, verb, group, resource, namespace="", subresource="", name=""):
    attrs = {"verb": verb, "resource": resource, "group": group}
    for k, v in (("namespace", namespace), ("subresource", subresource), ("name", name)):
        if v:
            attrs[k] = v
    sar = call("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", {
        "apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
        "spec": {"user": user, "groups": groups, "resourceAttributes": attrs}})
    return bool(sar["status"].get("allowed"))


def rbac(path, settings, stack):
    """A SubjectAccessReview, answered by the API server's RBAC authorizer, for
    every row of the expectations file that applies to the stack."""
    names, features, rows, skipped = expectations(path, settings, stack)
    failed = done = allowed_rows = 0
    for row in rows:
        user, groups, who = subject(row)
        allowed = review(user, groups, row["verb"], row.get("group", ""), row["resource"],
                         row.get("namespace", ""), row.get("subresource", ""), row.get("name", ""))
        done += 1
        allowed_rows += bool(row["allowed"])
        res = (row.get("group") + "/" if row.get("group") else "") + row["resource"] + \
              ("/" + row["subresource"] if row.get("subresource") else "") + \
              (" " + row["name"] if row.get("name") else "")
        if row.get("groups"):
            who += f" (groups {', '.join(row['groups'])})"
        line = f"{who} {row['verb']} {res} in {row.get('namespace') or '(all namespaces)'}: " \
               f"{'allowed' if allowed else 'denied'}"
        if allowed != row["allowed"]:
            failed += 1
            print(f"  MISMATCH {line}, expected {'allowed' if row['allowed'] else 'denied'}"
                  + (f" ({row['why']})" if row.get("why") else ""))
        elif os.environ.get("CLUSTER_TEST_VERBOSE"):
            print(f"  ok {line}")
    print(f"  {done - failed} of {done} access reviews as expected ({allowed_rows} allowed, {done - allowed_rows} denied rows;"
          f" namespaces {', '.join(names[k] for k in ('services', 'jobs', 'events', 'argo'))};"
          + (f" flow runner {names['runner']}{', group ' + names['runner_group'] if names.get('runner_group') else ''})"
             if features["runner-rbac"] else " no flow-runner Roles: identity.flowRunnerAccess project)") +
          "".join(f"; {n} rows skipped (feature {k} off)" for k, n in skipped.items()))
    if failed:
        sys.exit(1)
