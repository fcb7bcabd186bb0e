import asyncio


async def fetch(session, url):
    async with session.get(url) as resp:
        return await resp.text()


async def stream(source):
    async for chunk in source:
        if not chunk:
            continue
        yield chunk.upper()


async def gather(urls):
    results = [await fetch(None, u) for u in urls]
    lengths = {u: len(r) async for u, r in pairs(urls)}
    await asyncio.sleep(0)
    return results, lengths


async def pairs(urls):
    for u in urls:
        yield u, u
