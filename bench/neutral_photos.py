"""What the benchmarks reading the development set's photos share: the photos, from the
command line, and their report in docs/, in one shape."""

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from chromamatch.faces_manifest import Photo, read_manifest


def development_photos(
    doc: str,
    argv: list[str] | None = None,
    options: Callable[[argparse.ArgumentParser], None] | None = None,
) -> tuple[list[Photo], argparse.Namespace]:
    """Every photo of the folder given as ``--data``, and the arguments; ``doc`` is the
    benchmark's module docstring, whose first paragraph describes it in ``--help``, and
    ``options`` adds the benchmark's own arguments to the parser."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="development faces folder")
    if options is not None:
        options(parser)
    args = parser.parse_args(argv)
    return read_manifest(args.data), args


def neutral_photos(doc: str, argv: list[str] | None = None) -> list[Photo]:
    """The neutral photos of the folder given as ``--data`` (see development_photos)."""
    photos, _ = development_photos(doc, argv)
    return [p for p in photos if p.expression == "neutral"]


def write_report(
    report: Path,
    title: str,
    doc: str,
    photos: int,
    started: float,
    rows: list[str],
    reading="",
    *,
    run_detail="",
) -> None:
    """Write and print ``report``: ``title``, the docstring ``doc`` past its usage, the run (the
    date, how many photos, ``run_detail`` after them, the seconds since ``started`` and the
    command, the benchmark being named as its report is), ``rows`` and, after them,
    ``reading``."""
    text = (
        f"# {title}\n\n"
        + doc.split("\n\n", 2)[2].strip()
        + f"\n\nRun {time.strftime('%Y-%m-%d')} on {photos} neutral photos{run_detail} "
        f"({time.monotonic() - started:.0f} s): "
        f"`.venv/bin/python bench/{report.stem}.py --data ../shared/data/faces/london`.\n\n"
        + "\n".join(rows)
        + (f"\n\n{reading}\n" if reading else "\n")
    )
    report.write_text(text)
    print(text)
