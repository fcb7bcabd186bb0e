import asyncio


async def fetch(session, urls):
    async with session:
        async for u in urls:
            await asyncio.sleep(0)
            yield u


async def main():
    results = [r async for r in fetch(None, [])]
    await asyncio.gather(*results)
    async with asyncio.timeout(1) as t, asyncio.timeout(2):
        pass
    return {k: await v for k, v in {}.items()}


def gen(n):
    x = yield n
    yield from range(x)
    return (yield)
