#!/usr/bin/env python3
"""Copies the single-image OCI layout SRC to DST with one more layer on top holding the file
PATH with CONTENT: an app rebuilt on an unchanged base, for the harden benchmark.

Usage: scripts/oci-add-layer.py SRC DST PATH CONTENT   (DST gets the tag `app`)
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile


def blob(root, digest):
    return os.path.join(root, "blobs", "sha256", digest.split(":", 1)[1])


def put(root, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    with open(blob(root, digest), "wb") as f:
        f.write(data)
    return digest


def main(src, dst, path, content):
    index = json.load(open(os.path.join(src, "index.json")))
    manifest_desc = index["manifests"][0]
    manifest = json.load(open(blob(src, manifest_desc["digest"])))
    config = json.load(open(blob(src, manifest["config"]["digest"])))
    os.makedirs(os.path.join(dst, "blobs", "sha256"), exist_ok=True)
    shutil.copy(os.path.join(src, "oci-layout"), os.path.join(dst, "oci-layout"))
    for layer in manifest["layers"]:
        target = blob(dst, layer["digest"])
        if not os.path.exists(target):
            os.link(blob(src, layer["digest"]), target)

    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w", format=tarfile.PAX_FORMAT) as tar:
        data = content.encode()
        info = tarfile.TarInfo(path.lstrip("/"))
        info.size, info.mode, info.mtime = len(data), 0o644, 0
        tar.addfile(info, io.BytesIO(data))
    raw = tar_bytes.getvalue()
    layer_digest = put(dst, gzip.compress(raw, mtime=0))
    config["rootfs"]["diff_ids"].append("sha256:" + hashlib.sha256(raw).hexdigest())
    manifest["layers"].append({
        "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
        "digest": layer_digest,
        "size": os.path.getsize(blob(dst, layer_digest)),
    })
    config_bytes = json.dumps(config).encode()
    manifest["config"]["digest"] = put(dst, config_bytes)
    manifest["config"]["size"] = len(config_bytes)
    manifest_bytes = json.dumps(manifest).encode()
    index["manifests"] = [{
        "mediaType": manifest_desc.get("mediaType", "application/vnd.oci.image.manifest.v1+json"),
        "digest": put(dst, manifest_bytes),
        "size": len(manifest_bytes),
        "annotations": {"org.opencontainers.image.ref.name": "app"},
    }]
    with open(os.path.join(dst, "index.json"), "w") as f:
        json.dump(index, f)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
