from typing import Optional

from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorDatabase

from app.config import DB_NAME, MONGO_URL


class Mongo:
    client: Optional[AsyncIOMotorClient] = None


mongo = Mongo()


def connect() -> None:
    mongo.client = AsyncIOMotorClient(MONGO_URL, maxPoolSize=20)


async def disconnect() -> None:
    if mongo.client is not None:
        mongo.client.close()


def get_database() -> AsyncIOMotorDatabase:
    return mongo.client[DB_NAME]
