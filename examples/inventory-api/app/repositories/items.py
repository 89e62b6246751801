from typing import Any, Optional

from bson import ObjectId
from motor.motor_asyncio import AsyncIOMotorCollection, AsyncIOMotorDatabase


class ItemRepository:
    def __init__(self, db: AsyncIOMotorDatabase):
        self.db = db
        self.items: AsyncIOMotorCollection = db["items"]

    async def get(self, item_id: str) -> Optional[dict[str, Any]]:
        return await self.items.find_one({"_id": ObjectId(item_id)})

    async def list(self, limit: int = 50) -> list[dict[str, Any]]:
        return await self.items.find({}).sort("name").to_list(length=limit)

    async def all(self) -> list[dict[str, Any]]:
        return await self.items.find({}).to_list(None)

    async def stock_by_warehouse(self) -> list[dict[str, Any]]:
        pipeline = [{"$group": {"_id": "$warehouse", "stock": {"$sum": "$qty"}}}]
        return await self.items.aggregate(pipeline).to_list(None)

    async def index_names(self) -> list[str]:
        return [ix["name"] async for ix in self.items.list_indexes()]

    async def move(self, item_id: str, warehouse: str) -> None:
        async with await self.db.client.start_session() as session:
            async with session.start_transaction():
                await self.items.update_one({"_id": ObjectId(item_id)}, {"$set": {"warehouse": warehouse}}, session=session)
                await self.db["moves"].insert_one({"item": item_id, "to": warehouse}, session=session)
