# PyMongo 4.13 - 4.18.0.dev0
from typing import Any

class IndexModel:
    def __init__(self, keys: Any, **kwargs: Any) -> None: ...

class InsertOne:
    def __init__(self, document: Any, **kwargs: Any) -> None: ...

class UpdateOne:
    def __init__(self, filter: Any, update: Any, **kwargs: Any) -> None: ...

class DeleteOne:
    def __init__(self, filter: Any, **kwargs: Any) -> None: ...

class ReplaceOne:
    def __init__(self, filter: Any, replacement: Any, **kwargs: Any) -> None: ...
