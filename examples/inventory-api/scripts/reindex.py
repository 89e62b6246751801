"""Maintenance: rebuild the indexes of the items collection."""
import asyncio

import motor.motor_asyncio

from app.config import DB_NAME, MONGO_URL


async def main() -> None:
    client = motor.motor_asyncio.AsyncIOMotorClient(MONGO_URL)
    items = client[DB_NAME].items
    await items.create_index("name")
    await items.create_index([("warehouse", 1), ("qty", -1)])
    async for ix in items.list_indexes():
        print(ix["name"])
    if client.is_primary:
        print("connected to the primary")
    client.close()


if __name__ == "__main__":
    asyncio.run(main())
