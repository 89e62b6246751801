# PyMongo 4.13 - 4.18.0.dev0: gridfs/__init__.py re-exports the async classes (gridfs/asynchronous) and the sync ones.
from gridfs.asynchronous import AsyncGridFS as AsyncGridFS, AsyncGridFSBucket as AsyncGridFSBucket, AsyncGridIn as AsyncGridIn, AsyncGridOut as AsyncGridOut, AsyncGridOutCursor as AsyncGridOutCursor
from gridfs.synchronous import GridFS as GridFS, GridFSBucket as GridFSBucket, GridIn as GridIn, GridOut as GridOut
from gridfs.errors import NoFile as NoFile
