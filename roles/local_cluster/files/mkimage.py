#!/usr/bin/env python3
"""Write a container image as a `docker save` archive, without a container engine.

Each --layer DIR becomes one layer (a tar of the directory's tree, owned by root,
with every mtime set to 0), so the same inputs always give the same image ID and an
unchanged image is never re-imported. `ctr -n k8s.io images import FILE` loads it.

usage: mkimage.py --tag REF --out FILE --layer DIR [--layer DIR ...]
                  [--entrypoint JSON-LIST] [--cmd JSON-LIST] [--env K=V ...] [--user UID]
Prints the image ID (sha256 of the config).
"""

import argparse
import hashlib
import io
import json
import os
import sys
import tarfile
from pathlib import Path


def layer_tar(root: str) -> bytes:
    base = Path(root)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        entries = []
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            entries.extend(Path(dirpath) / name for name in sorted(dirnames + filenames))
        for path in sorted(entries, key=lambda p: str(p.relative_to(base))):
            info = tar.gettarinfo(str(path), arcname=str(path.relative_to(base)))
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            if info.isreg():
                with path.open("rb") as fh:
                    tar.addfile(info, fh)
            else:
                tar.addfile(info)
    return buf.getvalue()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tag", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--layer", action="append", required=True)
    ap.add_argument("--entrypoint", default="null")
    ap.add_argument("--cmd", default="null")
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("--user", default="")
    args = ap.parse_args()

    layers, diff_ids = [], []
    for d in args.layer:
        data = layer_tar(d)
        digest = hashlib.sha256(data).hexdigest()
        layers.append((digest, data))
        diff_ids.append("sha256:" + digest)

    env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", *args.env]
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": "1970-01-01T00:00:00Z",
        "config": {
            "Env": env,
            "Entrypoint": json.loads(args.entrypoint),
            "Cmd": json.loads(args.cmd),
            "User": args.user,
            "WorkingDir": "/",
        },
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "mkimage.py"} for _ in layers],
    }
    config_bytes = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
    config_digest = hashlib.sha256(config_bytes).hexdigest()
    manifest = [
        {
            "Config": config_digest + ".json",
            "RepoTags": [args.tag],
            "Layers": [d + "/layer.tar" for d, _ in layers],
        }
    ]

    def add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mode = 0o644
        tar.addfile(info, io.BytesIO(data))

    tmp = args.out + ".tmp"
    with tarfile.open(tmp, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for digest, data in layers:
            add(tar, digest + "/layer.tar", data)
        add(tar, config_digest + ".json", config_bytes)
        add(tar, "manifest.json", json.dumps(manifest).encode())
    Path(tmp).replace(args.out)
    print("sha256:" + config_digest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
