# PyMongo 4.13 - 4.18.0.dev0
from typing import Any

class InsertOneResult:
    inserted_id: Any
    acknowledged: bool

class InsertManyResult:
    inserted_ids: list[Any]
    acknowledged: bool

class UpdateResult:
    matched_count: int
    modified_count: int
    upserted_id: Any
    acknowledged: bool

class DeleteResult:
    deleted_count: int
    acknowledged: bool

class BulkWriteResult:
    acknowledged: bool
