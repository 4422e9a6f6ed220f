"""What an app's backend does for an S3 multipart upload, against the local S3 (localstack) with boto3.

    python s3_backend.py presign ENDPOINT BUCKET KEY PLAN.json PARTS.json
        makes the bucket if needed, starts a multipart upload with SHA-256 checksums (COMPOSITE) and
        writes the presigned part, Complete and GetObject URLs the uploader reads (--s3-presigned).
    python s3_backend.py parts ENDPOINT BUCKET KEY UPLOAD_ID      -> JSON list of the stored parts
    python s3_backend.py object ENDPOINT BUCKET KEY                -> JSON: size, sha256 of the stored
        bytes (read back and hashed here), the ChecksumSHA256 S3 reports (checksum mode enabled)

The part URLs are presigned with each part's SHA-256 from the plan, as a backend that signs the
checksum header does: S3 then refuses a body that does not hash to it (BadDigest).
"""
import hashlib
import json
import sys

import boto3
from botocore.config import Config


def client(endpoint):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"),
    )


def presign(endpoint, bucket, key, plan_path, out_path):
    s3 = client(endpoint)
    try:
        s3.create_bucket(Bucket=bucket)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    plan = json.load(open(plan_path))
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key, ChecksumAlgorithm="SHA256")
    uid = upload["UploadId"]
    hour = 3600
    parts = [
        {
            "number": p["number"],
            "url": s3.generate_presigned_url(
                "upload_part",
                Params={"Bucket": bucket, "Key": key, "UploadId": uid, "PartNumber": p["number"],
                        "ChecksumSHA256": p["sha256_base64"]},
                ExpiresIn=hour,
            ),
        }
        for p in plan["parts"]
    ]
    out = {
        "upload_id": uid,
        "parts": parts,
        "complete_url": s3.generate_presigned_url(
            "complete_multipart_upload", Params={"Bucket": bucket, "Key": key, "UploadId": uid}, ExpiresIn=hour,
            HttpMethod="POST"),
        "object_url": s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=hour),
    }
    json.dump(out, open(out_path, "w"), indent=1)
    print(json.dumps({"upload_id": uid}))


def parts(endpoint, bucket, key, uid):
    s3 = client(endpoint)
    r = s3.list_parts(Bucket=bucket, Key=key, UploadId=uid)
    print(json.dumps([{"number": p["PartNumber"], "etag": p["ETag"], "size": p["Size"],
                       "sha256": p.get("ChecksumSHA256")} for p in r.get("Parts", [])]))


def stored(endpoint, bucket, key):
    s3 = client(endpoint)
    head = s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    body = s3.get_object(Bucket=bucket, Key=key)["Body"]
    h, size = hashlib.sha256(), 0
    for chunk in iter(lambda: body.read(1 << 20), b""):
        h.update(chunk)
        size += len(chunk)
    print(json.dumps({"size": size, "sha256": h.hexdigest(), "checksum_sha256": head.get("ChecksumSHA256"),
                      "checksum_type": head.get("ChecksumType")}))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"presign": presign, "parts": parts, "object": stored}[cmd](*args)
