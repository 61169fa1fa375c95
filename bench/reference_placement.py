"""Where the London set's reference cheek patches sit, and why no placement reaches 3 degrees.

    .venv/bin/python bench/reference_placement.py [DATASET_DIR]   # about 40 s

Issue 3 asks for a median ITA error of at most 3 degrees on the photos as shot. The error left
is in L*, and this script shows where it comes from, on the neutral photos (the ones with a
landmark template):

1. How the references were made, rebuilt: the median CIELAB of two 0.24 x inter-pupil squares
   centred between the template's cheek points 165-166 and 168-169 (the pupils are points 0
   and 1), on the photo as shot, agrees with ref_L, ref_a, ref_b to a few hundredths.
2. Where those squares sit relative to FaceMesh's irises (outward and down, in inter-pupil
   distances, both cheeks averaged), by identity number: the template's cheek points follow
   two conventions, and within each they spread more than the shading of a cheek allows.
3. Whether a face says where its squares are: leave-one-out ridge regression from all 478
   FaceMesh landmarks, and from the template's own other points, against a constant.
4. What each placement costs in ITA, read the reference's way on the analysis-size picture:
   the template's own squares, the squares the regression predicts, and the engine's sampler
   (chromamatch.skin_sampling, no lighting correction), overall and per convention.

Results are written to docs/reference_placement.md.
"""

import sys
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from chromamatch import colour  # noqa: E402
from chromamatch.analysis import located_face  # noqa: E402
from chromamatch.faces_manifest import read_manifest, read_template  # noqa: E402
from chromamatch.skin_sampling import sample_skin, skin_linear_rgb  # noqa: E402

DEFAULT_DATASET = REPO.parent / "shared" / "data" / "faces" / "london"
OUT = REPO / "docs" / "reference_placement.md"
RIGHT_IRIS, LEFT_IRIS = 468, 473  # FaceMesh refined iris centres (image left, image right)
PUPILS = (0, 1)  # template points
CHEEK_POINTS = ((165, 166), (168, 169))  # template points, image-left cheek then image-right
CHEEK_TEMPLATE_RANGE = range(160, 176)  # cheek and nearby points, left out as predictors
PATCH_SIDE_IPD = 0.24
RIDGE = 100.0


def lab_of(rgb: np.ndarray) -> np.ndarray:
    return colour.linear_rgb_to_lab(colour.srgb_to_linear(rgb / 255.0))


def square(lab: np.ndarray, centre: np.ndarray, side: float) -> np.ndarray:
    half = side / 2
    x, y = centre
    rows = slice(int(round(y - half)), int(round(y + half)))
    columns = slice(int(round(x - half)), int(round(x + half)))
    return lab[rows, columns].reshape(-1, 3)


def reference_reading(lab: np.ndarray, centres: list[np.ndarray], ipd: float) -> np.ndarray:
    """The reference's way: one median over the pixels of both squares."""
    pixels = np.concatenate([square(lab, c, PATCH_SIDE_IPD * ipd) for c in centres])
    return np.median(pixels, axis=0)


def ita(lab: np.ndarray) -> float:
    return float(np.degrees(np.arctan2(lab[0] - 50, lab[2])))


class FaceFrame:
    """FaceMesh's iris centres as origin, the eye line as axis, inter-pupil distance as unit."""

    def __init__(self, landmarks: np.ndarray):
        self.landmarks = landmarks[:, :2].astype(float)
        across = self.landmarks[LEFT_IRIS] - self.landmarks[RIGHT_IRIS]
        self.ipd = float(np.linalg.norm(across))
        self.across = across / self.ipd
        self.down = np.array([-self.across[1], self.across[0]])

    def offsets(self, centres: list[np.ndarray]) -> np.ndarray:
        """(2, 2): each cheek square's centre outward from its own iris, and down."""
        rows = []
        for centre, iris, outward in zip(
            centres, (RIGHT_IRIS, LEFT_IRIS), (-self.across, self.across), strict=True
        ):
            step = (centre - self.landmarks[iris]) / self.ipd
            rows.append([step @ outward, step @ self.down])
        return np.array(rows)

    def centres(self, offsets: np.ndarray) -> list[np.ndarray]:
        return [
            self.landmarks[iris] + self.ipd * (out * outward + down * self.down)
            for (out, down), iris, outward in zip(
                offsets, (RIGHT_IRIS, LEFT_IRIS), (-self.across, self.across), strict=True
            )
        ]

    def normalised(self, points: np.ndarray) -> np.ndarray:
        middle = (self.landmarks[RIGHT_IRIS] + self.landmarks[LEFT_IRIS]) / 2
        relative = (points - middle) / self.ipd
        return np.stack([relative @ self.across, relative @ self.down], axis=1).ravel()


def ridge_leave_one_out(features: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Each row predicted by a ridge regression fitted on all the others (kernel form)."""
    predictions = np.empty_like(targets)
    for i in range(len(features)):
        others = np.arange(len(features)) != i
        mean, scale = features[others].mean(0), features[others].std(0) + 1e-9
        train = (features[others] - mean) / scale
        centre = targets[others].mean(0)
        weights = np.linalg.solve(
            train @ train.T + RIDGE * np.eye(len(train)), targets[others] - centre
        )
        predictions[i] = ((features[i] - mean) / scale) @ (train.T @ weights) + centre
    return predictions


def collect(dataset: Path) -> list[dict]:
    people = []
    for photo in read_manifest(dataset):
        if photo.template is None or not photo.template.exists():
            continue
        points = read_template(photo.template)
        with Image.open(photo.path) as picture:
            full_lab = lab_of(np.asarray(picture.convert("RGB")))
        image, search = located_face(photo.data)
        if search.face is None:
            continue
        scale = image.scale
        full_ipd = float(np.linalg.norm(points[PUPILS[1]] - points[PUPILS[0]]))
        full_centres = [points[list(pair)].mean(axis=0) for pair in CHEEK_POINTS]
        frame = FaceFrame(search.face.landmarks)
        centres = [c * scale for c in full_centres]
        skin = skin_linear_rgb(sample_skin(image.rgb, search.face))
        people.append(
            {
                "identity": int(photo.identity),
                "ref_lab": photo.ref_lab,
                "ref_ita": photo.ref_ita,
                "rebuilt_lab": reference_reading(full_lab, full_centres, full_ipd),
                "rgb": image.rgb,  # 8-bit, read again below: 78 CIELAB copies would take 1 GB
                "frame": frame,
                "offsets": frame.offsets(centres),
                "mesh": frame.normalised(frame.landmarks),
                "template_rest": frame.normalised(
                    scale * points[[i for i in range(len(points)) if i not in CHEEK_TEMPLATE_RANGE]]
                ),
                "engine_ita": ita(colour.linear_rgb_to_lab(skin)),
            }
        )
    return people


def main(dataset: Path) -> None:
    people = collect(dataset)
    count = len(people)
    ids = np.array([p["identity"] for p in people])
    offsets = np.array([p["offsets"] for p in people])  # (people, cheek, outward/down)
    outward = offsets[:, :, 0].mean(axis=1)
    rebuilt = np.array([p["rebuilt_lab"] - p["ref_lab"] for p in people])
    lines = [
        "# Where the reference cheek patches sit",
        "",
        f"Reproduce with `.venv/bin/python bench/reference_placement.py` ({count} neutral photos "
        "of the London development set with a landmark template). Offsets are in inter-pupil "
        "distances from FaceMesh's iris centres, on the analysis-size picture.",
        "",
        "## 1. The references, rebuilt",
        "",
        "Median CIELAB of two 0.24 x inter-pupil squares centred between template points 165-166 "
        "and 168-169, pooled, on the photo as shot, against the manifest's ref_L, ref_a, ref_b: "
        f"median absolute difference L* {np.median(abs(rebuilt[:, 0])):.3f}, "
        f"a* {np.median(abs(rebuilt[:, 1])):.3f}, b* {np.median(abs(rebuilt[:, 2])):.3f} "
        f"(largest {abs(rebuilt).max():.2f}). That is how the references were measured.",
        "",
        "## 2. Where the squares sit, by identity number",
        "",
        f"Correlation of the outward offset with the identity number: "
        f"{np.corrcoef(ids, outward)[0, 1]:.2f}; between the two cheeks of one face: "
        f"{np.corrcoef(offsets[:, 0, 0], offsets[:, 1, 0])[0, 1]:.2f}.",
        "",
        "| identities | photos | outward, mean | outward, sd | down, mean | down, sd |",
        "|---|---|---|---|---|---|",
    ]
    order = np.argsort(ids)
    for part in np.array_split(order, 6):
        lines.append(
            f"| {ids[part].min()}-{ids[part].max()} | {len(part)} | {outward[part].mean():.3f} "
            f"| {outward[part].std():.3f} | {offsets[part, :, 1].mean():.3f} "
            f"| {offsets[part, :, 1].std():.3f} |"
        )

    targets = offsets.reshape(count, 4)
    constant = targets.mean(0)
    predicted = {
        "constant (the set's mean)": np.repeat(constant[None], count, axis=0),
        "ridge on 478 FaceMesh landmarks": ridge_leave_one_out(
            np.array([p["mesh"] for p in people]), targets
        ),
        "ridge on the template's other 173 points": ridge_leave_one_out(
            np.array([p["template_rest"] for p in people]), targets
        ),
    }
    lines += [
        "",
        "## 3. Does the face say where its squares are?",
        "",
        "Leave-one-out: each photo's square centres predicted from the other photos.",
        "",
        "| predictor | median distance to the square's centre (inter-pupil) |",
        "|---|---|",
    ]
    for name, guess in predicted.items():
        distance = np.linalg.norm((guess - targets).reshape(count, 2, 2), axis=2)
        lines.append(f"| {name} | {np.median(distance):.3f} |")

    groups = _conventions(ids, outward)
    refs = np.array([p["ref_ita"] for p in people])
    readings = {
        "the template's own squares": [
            ita(
                reference_reading(
                    lab_of(p["rgb"]), p["frame"].centres(p["offsets"]), p["frame"].ipd
                )
            )
            for p in people
        ],
        "squares predicted from FaceMesh (ridge)": [
            ita(
                reference_reading(
                    lab_of(p["rgb"]), p["frame"].centres(g.reshape(2, 2)), p["frame"].ipd
                )
            )
            for p, g in zip(people, predicted["ridge on 478 FaceMesh landmarks"], strict=True)
        ],
        "the engine's skin sample (no lighting correction)": [p["engine_ita"] for p in people],
    }
    lines += [
        "",
        "## 4. What a placement costs in ITA",
        "",
        f"Median absolute ITA error against ref_ita; the conventions split at identity "
        f"{groups['split']} (where identity order splits into two parts most alike within).",
        "",
        "| read from | all | " + " | ".join(groups["names"]) + " | bias per convention |",
        "|---|---|---|---|---|",
    ]
    for name, values in readings.items():
        error = np.array(values) - refs
        per = [np.median(abs(error[m])) for m in groups["masks"]]
        bias = ", ".join(f"{np.median(error[m]):+.1f}" for m in groups["masks"])
        lines.append(
            f"| {name} | {np.median(abs(error)):.2f} | "
            + " | ".join(f"{v:.2f}" for v in per)
            + f" | {bias} |"
        )
    lines += ["", *_reading(groups, outward)]
    OUT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def _conventions(ids: np.ndarray, outward: np.ndarray) -> dict:
    """Split identity order in two where the outward offsets are most alike within each part."""
    order = np.argsort(ids)
    ordered = outward[order]
    spread = [
        ordered[:k].var() * k + ordered[k:].var() * (len(ordered) - k)
        for k in range(3, len(ordered) - 2)
    ]
    split = int(ids[order][3 + int(np.argmin(spread))])
    masks = [ids < split, ids >= split]
    return {
        "split": split,
        "masks": masks,
        "names": [f"identities < {split}", f"identities >= {split}"],
    }


def _reading(groups: dict, outward: np.ndarray) -> list[str]:
    early, late = (outward[m] for m in groups["masks"])
    return [
        "## Reading",
        "",
        f"The references were measured at two different places on the cheek: for identities "
        f"below {groups['split']} the squares sit {early.mean():.2f} inter-pupil distances "
        f"outward of the pupil, from {groups['split']} on {late.mean():.2f}, and within each "
        f"convention they still spread by {early.std():.2f} and {late.std():.2f}. The cheek "
        "darkens fast towards the ear, so a few hundredths of an inter-pupil distance move ITA "
        "by degrees. Neither FaceMesh nor the template's own other points predict the placement "
        "much better than a constant, and nothing in the picture marks it: read at the "
        "template's own squares the engine's pixels agree with the references to a tenth of a "
        "degree; read where a face can tell, the median error is 3.3-3.4 degrees (table "
        "above). One fixed placement sits between the two conventions and is biased in "
        "opposite directions on each; the engine's sampler is the best such compromise found "
        "(grid in chromamatch/skin_sampling.py). The as-shot target of 3 degrees is below this "
        "reference's own placement noise.",
    ]


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATASET)
