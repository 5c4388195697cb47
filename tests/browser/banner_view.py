"""The banner as a user meets it, through its closed shadow root.

Playwright's selectors (and any page script) stop at a closed shadow root. The DevTools
protocol's `DOM.getDocument(pierce=True)` reaches it, the way the browser's own inspector does;
clicks go through the mouse, so the banner sees trusted events, as from a person.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

TIMEOUT_S = 10.0


@dataclass
class Node:
    node_id: int
    name: str
    attrs: dict[str, str]
    value: str = ""
    children: list[Node] = field(default_factory=list)
    closed_root: bool = False  # the node hosts a closed shadow root

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()

    @property
    def text(self) -> str:
        return "".join(n.value for n in self.walk() if n.name == "#text")

    def find(self, selector: Callable[[Node], bool]) -> Node | None:
        return next((n for n in self.walk() if n.name != "#text" and selector(n)), None)

    def find_all(self, selector: Callable[[Node], bool]) -> list[Node]:
        return [n for n in self.walk() if n.name != "#text" and selector(n)]

    def get(self, attr: str) -> str | None:
        return self.attrs.get(attr)


def _node(raw: dict[str, Any]) -> Node:
    flat = raw.get("attributes", [])
    node = Node(
        raw["nodeId"], raw["nodeName"].lower(), dict(zip(flat[::2], flat[1::2], strict=True)), raw.get("nodeValue", "")
    )
    for child in raw.get("shadowRoots", []) + raw.get("children", []):
        node.children.append(_node(child))
    node.closed_root = any(root.get("shadowRootType") == "closed" for root in raw.get("shadowRoots", []))
    return node


class BannerView:
    """One page's banner, read and pressed through the DevTools protocol."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.cdp = page.context.new_cdp_session(page)

    def section(self) -> Node | None:
        """The banner's <section> inside the closed root, or None when no banner is drawn. The
        host's name is random on every page: it is the element that hosts a closed shadow root."""
        document = _node(self.cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"])
        host = document.find(lambda n: n.closed_root)
        return host.find(lambda n: n.name == "section") if host else None

    def wait(self, predicate: Callable[[Node], bool], timeout: float = TIMEOUT_S) -> Node:
        deadline = time.monotonic() + timeout
        while True:
            section = self.section()
            if section is not None and predicate(section):
                return section
            if time.monotonic() > deadline:
                raise AssertionError(f"banner never matched; last seen: {section.attrs if section else None}")
            self.page.wait_for_timeout(100)

    def wait_state(self, state: str) -> Node:
        return self.wait(lambda s: s.get("data-state") == state)

    def wait_gone(self, timeout: float = TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while self.section() is not None:
            if time.monotonic() > deadline:
                raise AssertionError("the banner is still there")
            self.page.wait_for_timeout(100)

    def reasons(self) -> dict[str, str]:
        section = self.section()
        assert section is not None
        return {
            n.attrs["data-code"]: n.text for n in section.find_all(lambda n: n.name == "li" and "data-code" in n.attrs)
        }

    def box(self, node: Node) -> dict[str, float]:
        quad = self.cdp.send("DOM.getBoxModel", {"nodeId": node.node_id})["model"]["border"]
        xs, ys = quad[0::2], quad[1::2]
        return {"x": min(xs), "y": min(ys), "width": max(xs) - min(xs), "height": max(ys) - min(ys)}

    def press(self, action: str) -> None:
        """Click a banner button with the mouse, as a person would (a trusted event)."""
        section = self.section()
        assert section is not None, "no banner"
        button = section.find(lambda n: n.name == "button" and n.get("data-action") == action)
        assert button is not None, f"no {action} button"
        box = self.box(button)
        self.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    def screenshot(self, path: str) -> None:
        section = self.section()
        assert section is not None
        self.page.screenshot(path=path, clip=self.box(section))
