"""Run in a subprocess by test_hostile_images.py: post every corpus image to /v1/check under an
address-space limit, and print one JSON line per image with status, code, time and memory.

Running apart keeps a decoder that explodes from taking pytest with it, and lets ``RLIMIT_AS``
turn "allocates gigabytes" into a failure the test can see.
"""

from __future__ import annotations

import base64
import io
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    redis_url, data_dir, headroom_mib = sys.argv[1], sys.argv[2], int(sys.argv[3])
    from server import create_app
    from tests.hostile.image_corpus import corpus, small_jpeg

    app = create_app(
        {
            "REDIS_URL": redis_url,
            "HARIS_SECRET_KEY": "hostile-images-" + "x" * 32,
            "HARIS_DATA_DIR": data_dir,
            "HARIS_CHECK_LIMIT": "1000000/minute",
            "HARIS_LOG_LEVEL": "ERROR",
        }
    )
    client = app.test_client()
    images = corpus()
    # Warm up the decoders with a good image, then cap the address space: whatever the hostile
    # images make the server allocate must fit in the headroom.
    client.post("/v1/check", json={"platform": "x", "avatar": base64.b64encode(small_jpeg()).decode()})
    with open("/proc/self/status") as status:
        vm_kib = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
    limit = (vm_kib * 1024) + headroom_mib * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    baseline = rss_mib()
    for name, data in images.items():
        for transport in ("json", "multipart"):
            started = time.perf_counter()
            try:
                if transport == "json":
                    response = client.post(
                        "/v1/check", json={"platform": "x", "avatar": base64.b64encode(data).decode()}
                    )
                else:
                    response = client.post(
                        "/v1/check",
                        data={"check": '{"platform": "x"}', "avatar": (io.BytesIO(data), "avatar.jpg", "image/jpeg")},
                        content_type="multipart/form-data",
                    )
                status, body = response.status_code, response.get_json()
            except MemoryError:
                status, body = -1, {"error": {"code": "MemoryError"}}
            elapsed = time.perf_counter() - started
            code = (body or {}).get("error", {}).get("code")
            line = {"image": name, "transport": transport, "status": status, "code": code, "seconds": elapsed}
            line["rss_growth_mib"] = rss_mib() - baseline
            print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
