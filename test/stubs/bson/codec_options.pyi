# bson (shipped with PyMongo 4.13 - 4.18.0.dev0)
from typing import Any

class CodecOptions:
    def __init__(self, document_class: Any = ..., tz_aware: bool = False, uuid_representation: Any = ..., **kwargs: Any) -> None: ...
