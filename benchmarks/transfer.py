"""What a browser receives for the home page with its stylesheets and scripts, on the wire.

Each file is requested as a browser does (`Accept-Encoding: gzip, br`) over a plain socket,
and every byte that comes back is counted: status line, headers and body as sent, compressed
or not. Nothing is compressed here.

    python -m benchmarks.transfer http://127.0.0.1:5000   # any running server
"""

from __future__ import annotations

import gzip
import json
import re
import socket
import sys
import urllib.parse

LIMIT_KIB = 45  # issue 10: the home page with its CSS and JS, as transferred
ACCEPT_ENCODING = "gzip, br"
ASSET = re.compile(rb'<(?:link rel="stylesheet" href|script src)="([^"]+)"')


def fetch(base: str, path: str) -> dict:
    """One GET on its own connection; returns the wire size, header size, encoding and body."""
    url = urllib.parse.urlsplit(base)
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {url.netloc}\r\nAccept-Encoding: {ACCEPT_ENCODING}\r\n"
        "Accept: */*\r\nConnection: close\r\n\r\n"
    )
    received = bytearray()
    with socket.create_connection((url.hostname, url.port or 80), timeout=30) as connection:
        connection.sendall(request.encode())
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = bytes(received).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {
        name.strip().lower(): value.strip()
        for name, value in (line.split(":", 1) for line in lines[1:])
    }
    if headers.get("transfer-encoding") == "chunked":
        raise RuntimeError(f"{path} came chunked: count its bytes another way")
    encoding = headers.get("content-encoding", "identity")
    return {
        "status": int(lines[0].split()[1]),
        "wire_bytes": len(received),
        "header_bytes": len(head) + 4,
        "body_bytes": len(body),
        "encoding": encoding,
        "decoded_bytes": len(_decode(body, encoding)),
        "_body": body,
    }


def _decode(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        import brotli

        return brotli.decompress(body)
    return body


def home_page_transfer(base: str) -> dict:
    """The home page, then each stylesheet and script it links to."""
    home = fetch(base, "/")
    files = {"/": home}
    for asset in ASSET.findall(_decode(home["_body"], home["encoding"])):
        files[asset.decode()] = fetch(base, asset.decode())
    for file in files.values():
        del file["_body"]
    wire = sum(file["wire_bytes"] for file in files.values())
    return {
        "accept_encoding": ACCEPT_ENCODING,
        "files": files,
        "wire_bytes": wire,
        "body_bytes": sum(file["body_bytes"] for file in files.values()),
        "decoded_bytes": sum(file["decoded_bytes"] for file in files.values()),
        "limit_kib": LIMIT_KIB,
        "within_limit": wire <= LIMIT_KIB * 1024,
    }


def describe(transfer: dict) -> list[str]:
    lines = [
        f"  {path:<40} {file['status']:>4} {file['encoding']:>8} "
        f"{file['wire_bytes'] / 1024:>7.1f} KiB on the wire ({file['decoded_bytes'] / 1024:.1f} KiB)"
        for path, file in transfer["files"].items()
    ]
    verdict = "ok" if transfer["within_limit"] else "OVER"
    lines.append(
        f"  home page + CSS + JS: {transfer['wire_bytes'] / 1024:.1f} KiB on the wire, headers "
        f"included (limit {transfer['limit_kib']} KiB: {verdict}); "
        f"{transfer['decoded_bytes'] / 1024:.1f} KiB decoded"
    )
    return lines


if __name__ == "__main__":
    result = home_page_transfer(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000")
    print("\n".join(describe(result)))
    if "--json" in sys.argv:
        print(json.dumps(result, indent=2))
