"""Regenerate every published figure: ``make figures`` or ``python -m bench.figures``.

    python -m bench.figures [--check] [--data NAME=FILE]... [FIGURE]...

Without FIGURE names, every figure. ``--check`` writes nothing: it prints what would change and
exits 1 if anything would. ``--data cresci=FILE`` (once per file) gives data that may not be in
the repository; figures that need data not given are left as they are and listed.
"""

from __future__ import annotations

import argparse
import difflib
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.figures import ROOT, Inputs, MissingData, documents, fill, load_generators, marked_names


def _data(values: list[str]) -> dict[str, list[Path]]:
    data: dict[str, list[Path]] = {}
    for value in values:
        name, sep, path = value.partition("=")
        if not sep or not name or not path:
            raise SystemExit(f"--data wants NAME=FILE, not {value!r}")
        if not Path(path).is_file():
            raise SystemExit(f"--data {name}: no such file: {path}")
        data.setdefault(name, []).append(Path(path))
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("figures", nargs="*", metavar="FIGURE", help="figure names (default: all)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a figure would change")
    parser.add_argument("--data", action="append", default=[], metavar="NAME=FILE", help="data outside the repository")
    args = parser.parse_args(argv)

    generators = load_generators()
    marked = marked_names()
    unmarked = sorted(set(generators) - set(marked))
    ungenerated = sorted(set(marked) - set(generators))
    if unmarked or ungenerated:
        print(f"figures without a region: {unmarked}; regions without a generator: {ungenerated}", file=sys.stderr)
        return 2
    chosen = args.figures or sorted(generators)
    unknown = sorted(set(chosen) - set(generators))
    if unknown:
        print(f"unknown figures: {unknown}; known: {sorted(generators)}", file=sys.stderr)
        return 2

    inputs = Inputs(_data(args.data))
    outputs: dict[str, str] = {}
    skipped: list[str] = []
    started = time.perf_counter()
    for name in chosen:
        began = time.perf_counter()
        try:
            outputs[name] = generators[name].generate(inputs)
        except MissingData as missing:
            skipped.append(f"{name}: {missing}")
            print(f"  {name:36} not regenerated: {missing}", file=sys.stderr)
            continue
        print(f"  {name:36} {time.perf_counter() - began:6.1f} s", file=sys.stderr)

    changed = []
    for path in documents():
        text = path.read_text(encoding="utf-8")
        new = fill(text, outputs)
        if new == text:
            continue
        relative = path.relative_to(ROOT).as_posix()
        changed.append(relative)
        if args.check:
            sys.stdout.writelines(
                difflib.unified_diff(text.splitlines(True), new.splitlines(True), f"a/{relative}", f"b/{relative}")
            )
        else:
            path.write_text(new, encoding="utf-8")

    verb = "would change" if args.check else "changed"
    print(
        f"{len(outputs)} figures regenerated in {time.perf_counter() - started:.1f} s; "
        f"{verb}: {', '.join(changed) or 'nothing'}"
        + (f"; {len(skipped)} not regenerated (data not given)" if skipped else ""),
        file=sys.stderr,
    )
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
