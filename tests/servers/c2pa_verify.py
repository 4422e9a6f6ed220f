"""The independent C2PA verifier for the provenance tests (PyPI c2pa-python).

    python c2pa_verify.py FILE.mp4   -> JSON: {"validation_state", "codes": [failure codes],
                                        "manifest": the active manifest}
"""
import json
import sys

import c2pa

path = sys.argv[1]
try:
    with open(path, "rb") as f:
        reader = c2pa.Reader("video/mp4", f)
        store = json.loads(reader.json())
except Exception as e:  # no manifest, or one that cannot be read at all
    print(json.dumps({"validation_state": "Error", "codes": [f"error: {e}"], "manifest": None}))
    sys.exit(0)
active = store.get("manifests", {}).get(store.get("active_manifest"), None)
codes = [s.get("code") for s in store.get("validation_status", []) or []]
results = store.get("validation_results") or {}
for section in ("activeManifest",):
    codes += [s.get("code") for s in (results.get(section) or {}).get("failure", [])]
print(json.dumps({"validation_state": store.get("validation_state"), "codes": sorted(set(codes)), "manifest": active}))
