# PyMongo 4.13 - 4.18.0.dev0: the top-level names the codemod writes or meets.
from typing import Any

from pymongo.asynchronous.mongo_client import AsyncMongoClient as AsyncMongoClient
from pymongo.synchronous.mongo_client import MongoClient as MongoClient
from pymongo.synchronous.collection import ReturnDocument as ReturnDocument
from pymongo.cursor_shared import CursorType as CursorType
from pymongo.operations import IndexModel as IndexModel, InsertOne as InsertOne, UpdateOne as UpdateOne, DeleteOne as DeleteOne, ReplaceOne as ReplaceOne

ASCENDING: int
DESCENDING: int
GEO2D: str
GEOSPHERE: str
HASHED: str
TEXT: str
version: str
version_tuple: tuple[Any, ...]
