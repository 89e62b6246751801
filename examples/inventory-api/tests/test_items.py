import pytest


@pytest.mark.asyncio
async def test_stock_by_warehouse(repo, db):
    await db.items.insert_many([{"name": "a", "warehouse": "w1", "qty": 2}, {"name": "b", "warehouse": "w1", "qty": 3}])
    assert await repo.stock_by_warehouse() == [{"_id": "w1", "stock": 5}]


@pytest.mark.asyncio
async def test_list_is_sorted(repo, db):
    await db.items.insert_many([{"name": "b"}, {"name": "a"}])
    assert [i["name"] for i in await repo.list()] == ["a", "b"]
