#!/usr/bin/env python3
"""Check a Go module zip against its pinned h1: hash, then unpack it.

usage: modzip.py ZIP MODULE@VERSION H1 DEST   check and unpack into DEST
       modzip.py --hash ZIP                   print the zip's h1: hash

h1 is Go's own module checksum (the one go.sum and sum.golang.org use): the
sha256 of a sorted "sha256-of-file  path" listing. It depends on file contents
only, not on how the zip was packed, so it can also be computed from a git
checkout of the tagged commit to prove the proxy's zip is that commit.
"""
import base64
import hashlib
import os
import sys
import zipfile


def h1(zf: zipfile.ZipFile) -> str:
    names = sorted(i.filename for i in zf.infolist() if not i.is_dir())
    summary = "".join(f"{hashlib.sha256(zf.read(n)).hexdigest()}  {n}\n" for n in names)
    return "h1:" + base64.b64encode(hashlib.sha256(summary.encode()).digest()).decode()


def main(argv: list[str]) -> int:
    if argv[:1] == ["--hash"]:
        print(h1(zipfile.ZipFile(argv[1])))
        return 0
    path, modver, want, dest = argv
    zf = zipfile.ZipFile(path)
    got = h1(zf)
    if got != want:
        print(f"error: {modver}: checksum {got}, pinned {want}", file=sys.stderr)
        return 1
    prefix = modver + "/"
    for info in zf.infolist():
        if info.is_dir():
            continue
        if not info.filename.startswith(prefix) or ".." in info.filename.split("/"):
            print(f"error: unexpected path in zip: {info.filename}", file=sys.stderr)
            return 1
        target = os.path.join(dest, info.filename[len(prefix):])
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as out:
            out.write(zf.read(info))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
