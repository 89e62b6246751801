import pytest_asyncio
from motor.motor_asyncio import AsyncIOMotorClient

from app.config import MONGO_URL
from app.repositories.items import ItemRepository


@pytest_asyncio.fixture
async def db():
    client = AsyncIOMotorClient(MONGO_URL)
    yield client["inventory_test"]
    await client.drop_database("inventory_test")
    client.close()


@pytest_asyncio.fixture
async def repo(db):
    return ItemRepository(db)
