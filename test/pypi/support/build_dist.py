"""Builds a tiny wheel and sdist with the standard library only (no network, no `build`).

usage: build_dist.py OUTDIR NAME VERSION [--requires DEP ...] [--requires-python SPEC] [--payload-kb N] [--stored]
The wheel holds `<module>/__init__.py` (VERSION constant) and a real .dist-info (METADATA, WHEEL,
RECORD), so pip installs it; the sdist holds PKG-INFO, pyproject.toml and the module.
"""
import argparse
import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile


def record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("outdir")
    parser.add_argument("name")
    parser.add_argument("version")
    parser.add_argument("--requires", action="append", default=[])
    parser.add_argument("--requires-python", default=None)
    parser.add_argument("--payload-kb", type=int, default=0)
    parser.add_argument("--stored", action="store_true", help="no compression (large payloads build in seconds)")
    args = parser.parse_args()

    dist = re.sub(r"[-_.]+", "_", args.name).lower()
    module = dist
    metadata = [f"Metadata-Version: 2.1", f"Name: {args.name}", f"Version: {args.version}", f"Summary: test package {args.name}"]
    if args.requires_python:
        metadata.append(f"Requires-Python: {args.requires_python}")
    metadata += [f"Requires-Dist: {dep}" for dep in args.requires]
    metadata_text = ("\n".join(metadata) + "\n\nLong description of " + args.name + "\n").encode()
    init = f'VERSION = "{args.version}"\n'.encode()
    payload = os.urandom(args.payload_kb * 1024) if args.payload_kb else b""

    os.makedirs(args.outdir, exist_ok=True)
    info = f"{dist}-{args.version}.dist-info"
    files = {
        f"{module}/__init__.py": init,
        f"{info}/METADATA": metadata_text,
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: build_dist.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    if payload:
        files[f"{module}/payload.bin"] = payload
    record = "".join(f"{path},{record_hash(data)},{len(data)}\n" for path, data in files.items()) + f"{info}/RECORD,,\n"
    files[f"{info}/RECORD"] = record.encode()
    wheel = os.path.join(args.outdir, f"{dist}-{args.version}-py3-none-any.whl")
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_STORED if args.stored else zipfile.ZIP_DEFLATED) as zf:
        for path, data in files.items():
            zf.writestr(path, data)

    sdist = os.path.join(args.outdir, f"{dist}-{args.version}.tar.gz")
    base = f"{dist}-{args.version}"
    pyproject = f'[project]\nname = "{args.name}"\nversion = "{args.version}"\n'.encode()
    with tarfile.open(sdist, "w:gz") as tf:
        for path, data in {f"{base}/PKG-INFO": metadata_text, f"{base}/pyproject.toml": pyproject, f"{base}/{module}/__init__.py": init}.items():
            entry = tarfile.TarInfo(path)
            entry.size = len(data)
            entry.mtime = 1700000000
            tf.addfile(entry, io.BytesIO(data))
    print(wheel)
    print(sdist)


if __name__ == "__main__":
    main()
