"""How well the sampled skin agrees with the London set's reference cheek measurements.

For every image as shot (neutral and smiling), the skin summary from chromamatch.skin_sampling
(no lighting correction) is converted to CIELAB and its ITA compared with the manifest's
ref_ita. Also times find_faces, sample_skin, the eye and teeth whites and assess_quality per
image, as CPU time of the whole process
(every mediapipe thread included), which is what one core has to give and is less disturbed
than wall time when the machine is shared.

    taskset -c 0 .venv/bin/python bench/skin_sampling_agreement.py [DATASET_DIR]
"""

import csv
import sys
import time
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from chromamatch.colour import ita_degrees, linear_rgb_to_lab  # noqa: E402
from chromamatch.face_landmarks import find_faces  # noqa: E402
from chromamatch.image_loading import load_image  # noqa: E402
from chromamatch.lighting import held_out_identities  # noqa: E402
from chromamatch.quality import assess_quality  # noqa: E402
from chromamatch.skin_sampling import (  # noqa: E402
    sample_skin,
    sclera_linear_rgb,
    skin_linear_rgb,
    teeth_linear_rgb,
)

DEFAULT_DATASET = REPO.parent / "shared" / "data" / "faces" / "london"
# The lighting model's held-out people: figures on them show what generalises to new faces.


def main(dataset: Path) -> None:
    with open(dataset / "manifest.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    held_out = held_out_identities()
    errors, itas, refs, expressions, worst, held = [], [], [], [], [], []
    find_ms, sample_ms, whites_ms, quality_ms = [], [], [], []
    for row in rows:
        rgb = load_image((dataset / row["file"]).read_bytes()).rgb
        started = time.process_time()
        search = find_faces(rgb)
        found = time.process_time()
        if search.face is None:
            print(f"{row['file']}: no face found")
            continue
        sample = sample_skin(rgb, search.face)
        lab = linear_rgb_to_lab(skin_linear_rgb(sample))
        sampled = time.process_time()
        sclera_linear_rgb(rgb, search.face)
        teeth_linear_rgb(rgb, search.face)
        whitened = time.process_time()
        assess_quality(rgb, search.face, faces_count=search.count, exposure_ev=0, cast_strength=0)
        assessed = time.process_time()
        find_ms.append((found - started) * 1000)
        sample_ms.append((sampled - found) * 1000)
        whites_ms.append((whitened - sampled) * 1000)
        quality_ms.append((assessed - whitened) * 1000)
        ita = float(ita_degrees(lab[0], lab[2]))
        reference = float(row["ref_ita"])
        itas.append(ita)
        refs.append(reference)
        errors.append(abs(ita - reference))
        expressions.append(row["expression"])
        held.append(row["identity"] in held_out)
        worst.append((abs(ita - reference), row["file"], ita, reference))

    errors = np.array(errors)
    expressions = np.array(expressions)
    print(f"images: {len(errors)} of {len(rows)}")
    print(f"median |ITA error|: {np.median(errors):.2f} deg (p90 {np.percentile(errors, 90):.2f})")
    for expression in ("neutral", "smiling"):
        chosen = errors[expressions == expression]
        print(f"  {expression}: median {np.median(chosen):.2f} deg over {len(chosen)}")
    print(f"Spearman ITA vs ref_ita: {spearmanr(itas, refs).statistic:.3f}")
    held = np.array(held)
    print(
        f"held-out people ({held.sum()} images): median {np.median(errors[held]):.2f} deg"
        f" (p90 {np.percentile(errors[held], 90):.2f}),"
        f" Spearman {spearmanr(np.array(itas)[held], np.array(refs)[held]).statistic:.3f};"
        f" others median {np.median(errors[~held]):.2f} deg"
    )
    print(f"find_faces median {np.median(find_ms[1:]):.1f} ms CPU (the first call builds graphs)")
    print(f"sample_skin + skin_linear_rgb median {np.median(sample_ms):.2f} ms CPU")
    print(f"sclera + teeth median {np.median(whites_ms):.2f} ms CPU")
    print(f"assess_quality median {np.median(quality_ms):.2f} ms CPU")
    print("largest errors:")
    for error, name, ita, reference in sorted(worst, reverse=True)[:5]:
        print(f"  {name}: ITA {ita:.1f} vs ref {reference:.1f} ({error:.1f} deg)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATASET)
