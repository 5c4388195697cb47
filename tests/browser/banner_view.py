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

    @staticmethod
    def button(section: Node, action: str) -> Node | None:
        return section.find(lambda n: n.name == "button" and n.get("data-action") == action)

    def waiting(self, action: str) -> bool:
        """Whether the banner shows the `action` button still waiting (aria-disabled): the banner's
        input protection, until it has been on screen for a moment (content/banner.js)."""
        section = self.section()
        button = self.button(section, action) if section is not None else None
        return button is not None and button.get("aria-disabled") == "true"

    def wait_armed(self, action: str, timeout: float = TIMEOUT_S) -> Node:
        """The banner once its `action` button acts: drawn, and no longer waiting."""

        def armed(section: Node) -> bool:
            button = self.button(section, action)
            return button is not None and button.get("aria-disabled") != "true"

        return self.wait(armed, timeout)

    def press(self, action: str) -> None:
        """Click a banner button with the mouse, as a person would (a trusted event), once it acts:
        a person sees a dimmed button light up, the test polls the attribute that dims it."""
        self.wait_armed(action)
        self.press_now(action)

    def press_now(self, action: str) -> bool:
        """Click a banner button at once, waiting or not. True when the banner still shows the
        button waiting after the click: the wait only ever starts again, never ends early, so a
        click that did not redraw the banner (as "Not now" would, by removing it) landed while
        it waited."""
        section = self.section()
        assert section is not None, "no banner"
        button = self.button(section, action)
        assert button is not None, f"no {action} button"
        box = self.box(button)
        self.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        return self.waiting(action)

    def screenshot(self, path: str) -> None:
        section = self.section()
        assert section is not None
        self.page.screenshot(path=path, clip=self.box(section))
