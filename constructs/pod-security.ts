// Security contexts shared by the pods this project runs (Kubernetes "restricted" Pod Security profile).

/** Numeric user and group the Metaflow service containers run as; the image defines no user of its own. */
export const SERVICE_UID = 1000;

/** Pod-level context as the Kubernetes API (and so a chart's values) takes it: never root, a fixed user, and the
 * container runtime's default seccomp filter. */
export function restrictedPodValues(uid: number = SERVICE_UID) {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    // Makes emptyDir volumes writable by the unprivileged user.
    fsGroup: uid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Container-level context as the Kubernetes API takes it: no privilege escalation, no Linux capabilities, and an
 * immutable root filesystem. */
export function restrictedContainerValues() {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
  };
}

/** The pod context for the kubernetes provider, whose schema types the ids as strings. */
export function restrictedPod(uid: number = SERVICE_UID) {
  const id = String(uid);
  return { ...restrictedPodValues(uid), runAsUser: id, runAsGroup: id, fsGroup: id };
}

/** The container context for the kubernetes provider, which also states that the container is not privileged. */
export function restrictedContainer() {
  return { ...restrictedContainerValues(), privileged: false };
}
