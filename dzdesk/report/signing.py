"""PAdES signing of the report with the branch identity, entirely offline.

No timestamp authority and no revocation fetching: the signature is PAdES
B-B with the self-issued branch certificate embedded. It is a certification
signature that permits no later changes, so any edit to the file breaks it.
"""

from __future__ import annotations

from typing import BinaryIO

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from ..identity import Identity

FIELD_NAME = "BranchSignature"


def sign_pdf(source: BinaryIO, output: BinaryIO, identity: Identity, *, reason: str, location: str, name: str) -> None:
    """Append a PAdES signature over the whole of ``source`` and write the result to ``output``."""
    cert = asn1_x509.Certificate.load(identity.certificate.public_bytes(serialization.Encoding.DER))
    key = asn1_keys.PrivateKeyInfo.load(
        identity.private_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    signer = signers.SimpleSigner(
        signing_cert=cert, signing_key=key, cert_registry=SimpleCertificateStore.from_certs([cert])
    )
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        name=name,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        embed_validation_info=False,
    )
    writer = IncrementalPdfFileWriter(source, strict=False)
    signers.sign_pdf(writer, meta, signer=signer, timestamper=None, output=output)
