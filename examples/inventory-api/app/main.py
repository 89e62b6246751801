from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, HTTPException
from motor.motor_asyncio import AsyncIOMotorDatabase

from app.db import connect, disconnect, get_database
from app.repositories.items import ItemRepository


@asynccontextmanager
async def lifespan(app: FastAPI):
    connect()
    yield
    await disconnect()


app = FastAPI(lifespan=lifespan)


def get_repository(db: AsyncIOMotorDatabase = Depends(get_database)) -> ItemRepository:
    return ItemRepository(db)


@app.get("/items")
async def list_items(repo: ItemRepository = Depends(get_repository)):
    return await repo.list()


@app.get("/items/{item_id}")
async def get_item(item_id: str, repo: ItemRepository = Depends(get_repository)):
    item = await repo.get(item_id)
    if item is None:
        raise HTTPException(404)
    return item


@app.get("/stock")
async def stock(repo: ItemRepository = Depends(get_repository)):
    return await repo.stock_by_warehouse()
