# PyMongo 4.13 - 4.18.0.dev0: pymongo/synchronous/encryption.py
from typing import Any, Generic, Mapping, Optional, TypeVar

_DocumentType = TypeVar("_DocumentType")

class ClientEncryption(Generic[_DocumentType]):
    def __init__(self, kms_providers: Mapping[str, Any], key_vault_namespace: str, key_vault_client: Any, codec_options: Any, kms_tls_options: Optional[Mapping[str, Any]] = None, key_expiration_ms: Optional[int] = None) -> None: ...
    def close(self) -> None: ...
