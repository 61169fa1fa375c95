"""``python -m chromamatch``: analyse photos, drape, check a colour, evaluate the engine."""

import argparse
import json
import os
import sys
from pathlib import Path

from chromamatch.errors import AnalysisError


def _analyze(args: argparse.Namespace) -> int:
    # Imported here so `--help` and usage errors answer at once, without loading mediapipe.
    from chromamatch.analysis import failure, measure

    if args.debug is not None:
        try:
            args.debug.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            # Before the first photo: stopping halfway would cut the one line per file short.
            sys.exit(f"{args.debug}: cannot make the folder: {exc.strerror}.")
    status = 0
    for name in args.images:
        path = Path(name)
        try:
            data = _read_photo(path)
        except OSError as exc:
            status = 1
            line = {
                "file": name,
                "ok": False,
                "error": {
                    "code": "unreadable_file",
                    "message": f"Cannot read the file: {exc.strerror}.",
                },
            }
        else:
            try:
                measurement = measure(data, filename=name, debug=args.debug is not None)
                line = measurement.result
            except AnalysisError as error:
                line = failure(name, error)
            else:
                if args.debug is not None and not _save_skin_debug(
                    measurement.skin_debug, args.debug / f"{path.stem}.skin.png"
                ):
                    status = 1
        if args.json:
            print(json.dumps(line, ensure_ascii=False), flush=True)
        else:
            print(_human(line), flush=True)
    return status


def _save_skin_debug(picture, out: Path) -> bool:
    """Save the picture of the skin pixels used; if it cannot be, say why and answer False.

    The analysis stands without its picture (a full disk, a folder in the way), so its line is
    still printed and the other files still analysed.
    """
    from PIL import Image

    try:
        Image.fromarray(picture).save(out)
    except OSError as exc:
        print(f"{out}: cannot write the file: {exc.strerror}.", file=sys.stderr)
        return False
    return True


def _read_photo(path: Path) -> bytes:
    """The bytes of a photo, never more than one past the most the engine accepts.

    That one byte is enough for ``load_image`` to refuse the file as too large; a larger one (a
    video, ``/dev/zero``) is never held in memory whole.
    """
    from chromamatch.image_loading import MAX_BYTES

    with path.open("rb") as handle:
        return handle.read(MAX_BYTES + 1)


def _human(line: dict) -> str:
    if not line["ok"]:
        return f"{line['file']}: {line['error']['message']}"
    skin = line["skin"]
    parts = [
        f"skin {skin['hex']} (Monk {skin['mst']}, ITA {skin['ita']}, {skin['ita_category']}, "
        f"Fitzpatrick {skin['fitzpatrick']})",
        f"undertone {line['undertone']['label']}",
        f"light {line['lighting']['cct_k']} K, {line['lighting']['exposure_ev']:+} EV",
    ]
    if line["quality"]["warnings"]:
        parts.append("warnings: " + ", ".join(line["quality"]["warnings"]))
    return f"{line['file']}: " + "; ".join(parts)


def _measure_or_exit(path: Path):
    """The measurement of one photo for the single-photo commands; exit 1 with the reason."""
    from chromamatch.analysis import measure

    try:
        return measure(_read_photo(path), filename=str(path))
    except OSError as exc:
        sys.exit(f"{path}: cannot read the file: {exc.strerror}.")
    except AnalysisError as error:
        sys.exit(f"{path}: {error.message}")


def _drape(args: argparse.Namespace) -> int:
    from chromamatch.analysis import drape_colours

    measurement = _measure_or_exit(args.image)
    try:
        args.output.write_bytes(measurement.drape_png())
    except OSError as exc:
        sys.exit(f"{args.output}: cannot write the file: {exc.strerror}.")
    best, _ = drape_colours(measurement.season.label)
    print(f"{args.output}: {measurement.season.label}; best {', '.join(c['name'] for c in best)}")
    return 0


def _color_check(args: argparse.Namespace) -> int:
    from chromamatch.color_check import color_check
    from chromamatch.colour import hex_to_rgb8

    try:
        hex_to_rgb8(args.hex)  # a usage error answers before the photo is analysed
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    measurement = _measure_or_exit(args.image)
    check = color_check(args.hex, season=measurement.season.label, skin_lab=measurement.skin_lab)
    if args.json:
        print(json.dumps(check, ensure_ascii=False))
    else:
        print(f"{check['hex']}: {check['score']}/100 ({check['verdict']}). {check['why']}")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from chromamatch.evaluation import (
        EVALUATION_SEED,
        default_report,
        report_paths,
        run_evaluation,
    )
    from chromamatch.faces_manifest import MANIFEST
    from chromamatch.lighting import held_out_identities

    if not (args.data / MANIFEST).is_file():
        sys.exit(f"{args.data}: no {MANIFEST} in it; --data takes the faces folder that holds one.")
    people = held_out_identities() if args.held_out else None
    seed = EVALUATION_SEED if args.seed is None else args.seed
    out = args.out or default_report(held_out=args.held_out, seed=seed)
    # Checked before a run of minutes, not found out when its figures are to be written.
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        sys.exit(f"{out.parent}: cannot make the folder: {exc.strerror}.")
    for report in report_paths(out):
        if report.is_dir():
            sys.exit(f"{report}: is a folder; --out takes the report's file name.")
        if not os.access(report if report.exists() else out.parent, os.W_OK):
            sys.exit(f"{report}: cannot write there.")
    run_evaluation(data_dir=args.data, out=out, quick=args.quick, people=people, seed=seed)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m chromamatch", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    analyze = commands.add_parser("analyze", help="analyse photos")
    analyze.add_argument("images", nargs="+", metavar="IMAGE")
    analyze.add_argument("--json", action="store_true", help="one JSON object per file, per line")
    analyze.add_argument(
        "--debug", type=Path, metavar="DIR", help="write a picture of the skin pixels used"
    )
    analyze.set_defaults(run=_analyze)

    drape = commands.add_parser("drape", help="the virtual draping picture of one photo")
    drape.add_argument("image", type=Path, metavar="IMAGE")
    drape.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.png")
    drape.set_defaults(run=_drape)

    check = commands.add_parser("color-check", help="how well a colour suits the person")
    check.add_argument("image", type=Path, metavar="IMAGE")
    check.add_argument("hex", metavar="'#aabbcc'")
    check.add_argument("--json", action="store_true")
    check.set_defaults(run=_color_check)

    evaluate = commands.add_parser("evaluate", help="compute the figures of EVALUATION.md")
    evaluate.add_argument(
        "--data",
        type=Path,
        default=Path(__file__).resolve().parents[2] / "shared" / "data" / "faces" / "london",
        help="a folder with manifest.csv (default: ../shared/data/faces/london)",
    )
    evaluate.add_argument(
        "--out",
        type=Path,
        help="the report (default docs/evaluation.md, docs/evaluation_held_out.md with --held-out)",
    )
    evaluate.add_argument(
        "--held-out",
        action="store_true",
        help="only the people the shipped lighting weights were not trained on: the figures "
        "a registered model version is gated on",
    )
    evaluate.add_argument("--quick", action="store_true", help="fewer relit copies, for a look")
    evaluate.add_argument(
        "--seed",
        type=int,
        help="draw the relit copies and dyed shirts with this seed instead of the evaluation's "
        "(default report then docs/evaluation_seed<N>.md)",
    )
    evaluate.set_defaults(run=_evaluate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:
        # The reader has gone (`| head`): stop quietly, as other command-line tools do. Python
        # flushes standard output again on exit and would report the closed pipe a second time.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
