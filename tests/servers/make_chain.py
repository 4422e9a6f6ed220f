"""Test signing credentials, made with `cryptography` (no openssl CLI needed):

    python make_chain.py DIR
      DIR/chain.pem         end-entity certificate then CA (ES256, P-256), as C2PA wants
      DIR/key.pem           the end-entity's PKCS#8 private key
      DIR/other_key.pem     a PKCS#8 key that belongs to no certificate here
      DIR/selfsigned.pem    a lone self-signed certificate (C2PA refuses it)
      DIR/selfsigned_key.pem
"""
import datetime
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
now = datetime.datetime.now(datetime.timezone.utc)


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "clipforge tests")])


def pem_key(k):
    return k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def pem_cert(c):
    return c.public_bytes(serialization.Encoding.PEM)


ca_key = ec.generate_private_key(ec.SECP256R1())
ca = (x509.CertificateBuilder().subject_name(name("clipforge test CA")).issuer_name(name("clipforge test CA"))
      .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
      .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=3650))
      .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
      .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                   data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                   encipher_only=False, decipher_only=False), critical=True)
      .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
      .sign(ca_key, hashes.SHA256()))

ee_key = ec.generate_private_key(ec.SECP256R1())
ee = (x509.CertificateBuilder().subject_name(name("clipforge test signer")).issuer_name(ca.subject)
      .public_key(ee_key.public_key()).serial_number(x509.random_serial_number())
      .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=365))
      .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
      .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                   data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                                   encipher_only=False, decipher_only=False), critical=True)
      .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
      .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
      .add_extension(x509.SubjectKeyIdentifier.from_public_key(ee_key.public_key()), critical=False)
      .sign(ca_key, hashes.SHA256()))

self_key = ec.generate_private_key(ec.SECP256R1())
selfsigned = (x509.CertificateBuilder().subject_name(name("lone")).issuer_name(name("lone"))
              .public_key(self_key.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=365))
              .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
              .sign(self_key, hashes.SHA256()))

files = {
    "chain.pem": pem_cert(ee) + pem_cert(ca),
    "key.pem": pem_key(ee_key),
    "other_key.pem": pem_key(ec.generate_private_key(ec.SECP256R1())),
    "selfsigned.pem": pem_cert(selfsigned),
    "selfsigned_key.pem": pem_key(self_key),
}
for n, data in files.items():
    with open(os.path.join(out, n), "wb") as f:
        f.write(data)
