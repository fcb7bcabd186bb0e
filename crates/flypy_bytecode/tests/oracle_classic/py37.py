# flypy-oracle: min 3.7
from __future__ import annotations


def postponed(a: List[int], b: Dict[str, "X"] = None) -> Optional[Tuple[int, ...]]:
    v: Set[int] = set()
    return v


class Data:
    field: ClassVar[int] = 1
    other: "Forward"

    def method(self, x: Data) -> Data:
        async def nested():
            return [i async for i in x]
        return nested
