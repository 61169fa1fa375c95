"""The development faces folder (``manifest.csv`` and its images): one reader for everything
that trains on it, evaluates on it or tests against it."""

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MANIFEST = "manifest.csv"


@dataclass(frozen=True)
class Photo:
    file: str  # as the manifest names it, relative to the folder
    path: Path
    identity: str
    expression: str  # neutral or smiling
    ref_lab: np.ndarray  # (3,) the cheek Lab measured on the person's neutral photo as shot
    ref_ita: float
    template: Path | None  # the set's 189-point landmark template (neutral photos only)

    @property
    def data(self) -> bytes:
        # Read when needed, not held: training hands photos to worker processes by path.
        return self.path.read_bytes()


def read_manifest(data_dir: Path) -> list[Photo]:
    data_dir = Path(data_dir)
    with open(data_dir / MANIFEST, newline="") as handle:
        return [
            Photo(
                file=row["file"],
                path=data_dir / row["file"],
                identity=row["identity"],
                expression=row["expression"],
                ref_lab=np.array([float(row[k]) for k in ("ref_L", "ref_a", "ref_b")]),
                ref_ita=float(row["ref_ita"]),
                template=data_dir / row["template"] if row.get("template") else None,
            )
            for row in csv.DictReader(handle)
        ]


def read_template(path: Path) -> np.ndarray:
    """The (189, 2) x, y pixel points of a webmorph ``.tem`` file: a count, then the points."""
    values = Path(path).read_text().split()
    count = int(values[0])
    return np.array(values[1 : 1 + 2 * count], dtype=float).reshape(count, 2)
