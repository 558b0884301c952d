"""Role × scope expectations for the generic admin and API suites.

A case says, for each role, what it may do with an object in each place of the test world:
`"a1": "vcd"` means view, change and delete an object at institution a1 (v view, c change, d delete);
`"add": True` means the role may create one. Places: a1 (the institution officer's institution), a2 (another
institution in the municipality officer's municipality), b1 (an institution in another municipality).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

PLACES = ("a1", "a2", "b1")


@dataclass
class Expect:
    a1: str = ""
    a2: str = ""
    b1: str = ""
    add: bool = False

    def may(self, place: str, action: str) -> bool:
        return {"view": "v", "change": "c", "delete": "d"}[action] in getattr(self, place)


NONE = Expect()


@dataclass
class Case:
    """How to make objects of one model at each place, and what each role may do with them."""

    model: type
    make: Callable  # make(world, place) -> saved object at that place
    expect: dict[str, Expect]
    add_data: Callable | None = None  # add_data(world) -> admin/API field overrides for a valid new object
    change_data: Callable | None = None  # change_data(world, obj) -> field overrides for a valid change
    label: str = field(default="")
    make_deletable: Callable | None = None  # an object with nothing protecting it, where make's is referred to

    def __post_init__(self):
        self.label = self.label or self.model._meta.label_lower

    def expect_for(self, role: str) -> Expect:
        return self.expect.get(role, NONE)
