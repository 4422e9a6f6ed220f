"""The CRC-64/NVME referee: the AWS Common Runtime's implementation (awscrt, what botocore uses).

    python crc64nvme.py FILE PART_SIZE   -> JSON: {"whole": hex, "parts": [hex, ...]}
"""
import json
import sys

from awscrt import checksums

path, part_size = sys.argv[1], int(sys.argv[2])
whole, parts = 0, []
with open(path, "rb") as f:
    for chunk in iter(lambda: f.read(part_size), b""):
        parts.append(f"{checksums.crc64nvme(chunk):016x}")
        whole = checksums.crc64nvme(chunk, whole)
print(json.dumps({"whole": f"{whole:016x}", "parts": parts}))
