"""Rewriting a rules file's bias, points and version in place, keeping its comments and params.

The fit (``flask --app server evaluate --fit``) writes its proposal through this, so a maintainer
diffs a familiar file rather than a regenerated one.
"""

from __future__ import annotations

import re
from collections.abc import Callable


def rewrite_rules_text(text: str, bias: float, points: dict[str, float], version: str) -> str:
    """The rules file with new bias, points and version, keeping its comments and params."""

    def sub_once(pattern: str, replacement: str | Callable[[re.Match[str]], str], source: str, what: str) -> str:
        result, n = re.subn(pattern, replacement, source, count=1, flags=re.M)
        if n != 1:
            raise ValueError(f"cannot find {what} in the rules file")
        return result

    text = sub_once(r'^version\s*=\s*"[^"\n]*"', f'version = "{version}"', text, "version")
    text = sub_once(r"^bias\s*=\s*[-+0-9.eE]+", f"bias = {bias:.2f}", text, "bias")
    for code, value in points.items():
        header = re.escape(f'[signals."{code}"]')
        text = sub_once(
            rf"(^{header}[^\[]*?^points\s*=\s*)[-+0-9.eE]+",
            lambda m, v=value: f"{m.group(1)}{v:.2f}",
            text,
            f"signals.{code}.points",
        )
    return text
