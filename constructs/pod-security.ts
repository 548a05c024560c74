// Security contexts shared by the pods this project runs (Kubernetes "restricted" Pod Security profile).

/** Numeric user and group the Metaflow service containers run as; the image defines no user of its own. */
export const SERVICE_UID = 1000;

/** Pod-level context: never root, a fixed user, and the container runtime's default seccomp filter. */
export function restrictedPod(uid: number = SERVICE_UID) {
  return {
    runAsNonRoot: true,
    runAsUser: String(uid),
    runAsGroup: String(uid),
    // Makes emptyDir volumes writable by the unprivileged user.
    fsGroup: String(uid),
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Container-level context: no privilege escalation, no Linux capabilities, and an immutable root filesystem. */
export function restrictedContainer() {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
  };
}
