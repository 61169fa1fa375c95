"""``python -m chromamatch analyze --json``: one JSON line per file, in order, nothing else."""

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "chromamatch", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def wall_photo(tmp_path) -> Path:
    path = tmp_path / "wall.jpg"
    Image.fromarray(np.full((400, 600, 3), (180, 150, 120), np.uint8)).save(path)
    return path


def test_it_prints_one_line_per_file_in_order(shared_faces, tmp_path, wall_photo):
    face = shared_faces / "images" / "001_03.jpg"
    text = tmp_path / "notes.jpg"
    text.write_text("not a photo")

    result = _run("analyze", "--json", str(face), str(wall_photo), str(text), str(face))

    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["file"] for line in lines] == [str(face), str(wall_photo), str(text), str(face)]
    assert lines[0]["ok"] and lines[3]["ok"]
    assert lines[1] == {
        "file": str(wall_photo),
        "ok": False,
        "error": {"code": "no_face", "message": lines[1]["error"]["message"]},
    }
    assert lines[2]["error"]["code"] == "unsupported_format"
    for key in ("faces", "face_box", "skin", "undertone", "lighting", "quality", "ms"):
        assert key in lines[0]
    assert lines[0]["skin"] == lines[3]["skin"]


def test_a_missing_file_is_a_line_and_a_non_zero_status(tmp_path, wall_photo):
    result = _run("analyze", "--json", str(tmp_path / "absent.jpg"), str(wall_photo))

    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 1
    assert lines[0]["error"]["code"] == "unreadable_file"
    assert lines[1]["error"]["code"] == "no_face"


def test_a_usage_error_exits_2():
    assert _run("analyze").returncode == 2
    assert _run("paint").returncode == 2


def test_debug_writes_a_picture_of_the_skin_pixels(shared_faces, tmp_path):
    face = shared_faces / "images" / "002_03.jpg"

    result = _run("analyze", "--debug", str(tmp_path / "debug"), str(face))

    assert result.returncode == 0, result.stderr
    assert "skin #" in result.stdout
    picture = Image.open(tmp_path / "debug" / "002_03.skin.png")
    assert picture.size[0] > 200


def test_drape_writes_the_picture(shared_faces, tmp_path):
    out = tmp_path / "drape.png"

    result = _run("drape", str(shared_faces / "images" / "061_03.jpg"), "-o", str(out))

    assert result.returncode == 0, result.stderr
    assert Image.open(out).size == (964, 1028)


def test_color_check_scores_a_colour_and_refuses_a_bad_one(shared_faces):
    face = str(shared_faces / "images" / "061_03.jpg")

    good = _run("color-check", face, "#000000", "--json")
    bad = _run("color-check", face, "not-a-colour")

    assert good.returncode == 0, good.stderr
    check = json.loads(good.stdout)
    assert 0 <= check["score"] <= 100 and check["why"]
    assert bad.returncode == 2
    assert "not a colour" in bad.stderr


def test_a_photo_without_a_face_is_refused_by_the_single_photo_commands(tmp_path, wall_photo):
    result = _run("drape", str(wall_photo), "-o", str(tmp_path / "x.png"))

    assert result.returncode == 1
    assert "No face was found" in result.stderr


def test_drape_to_a_path_that_cannot_be_written_says_so_without_a_traceback(shared_faces, tmp_path):
    out = tmp_path / "no such folder" / "drape.png"

    result = _run("drape", str(shared_faces / "images" / "061_03.jpg"), "-o", str(out))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{out}: cannot write the file: No such file or directory." in result.stderr


def test_a_debug_folder_that_cannot_be_made_is_refused_before_any_photo(
    shared_faces, tmp_path, wall_photo
):
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("a file where the folder should go")
    face = shared_faces / "images" / "001_03.jpg"

    result = _run("analyze", "--json", "--debug", str(not_a_folder), str(wall_photo), str(face))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{not_a_folder}: cannot make the folder" in result.stderr
    assert result.stdout == ""


def test_evaluate_on_a_folder_without_a_manifest_says_so_without_a_traceback(tmp_path):
    result = _run("evaluate", "--data", str(tmp_path), "--out", str(tmp_path / "e.md"))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{tmp_path}: no manifest.csv" in result.stderr


def test_evaluate_to_a_place_it_cannot_write_says_so_before_it_runs(shared_faces, tmp_path):
    # A file where the folder should be (a permission test would not hold: CI runs as root).
    in_the_way = tmp_path / "a file"
    in_the_way.write_text("")

    result = _run("evaluate", "--data", str(shared_faces), "--out", str(in_the_way / "e.md"))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{in_the_way}: cannot make the folder" in result.stderr


@pytest.mark.parametrize("in_the_way", ["e.md", "e.json"])
def test_evaluate_to_a_report_name_taken_by_a_folder_says_so_before_it_runs(
    shared_faces, tmp_path, in_the_way
):
    (tmp_path / in_the_way).mkdir()

    result = _run("evaluate", "--data", str(shared_faces), "--out", str(tmp_path / "e.md"))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{tmp_path / in_the_way}: is a folder" in result.stderr


def test_a_reader_that_stops_early_ends_the_run_quietly(tmp_path):
    text = tmp_path / "notes.jpg"
    text.write_text("not a photo")
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `| head -0`: the first line written finds nobody reading

    with os.fdopen(write_end, "wb") as stdout:
        result = subprocess.run(
            [sys.executable, "-m", "chromamatch", "analyze", "--json", str(text), str(text)],
            cwd=REPO,
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
        )

    assert result.returncode == 1
    assert result.stderr == ""


def _limit_memory():
    # Before the read was bounded, /dev/zero was read until memory ran out; cap it at 3 GB so
    # that failure is a quick MemoryError and not the machine's.
    resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))


def test_a_file_without_end_is_too_large_without_being_read_whole():
    result = subprocess.run(
        [sys.executable, "-m", "chromamatch", "analyze", "--json", "/dev/zero"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit_memory,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["error"]["code"] == "image_too_large"


def test_a_debug_picture_that_cannot_be_written_still_leaves_the_line(shared_faces, tmp_path):
    face = shared_faces / "images" / "001_03.jpg"
    in_the_way = tmp_path / "debug" / "001_03.skin.png"
    in_the_way.mkdir(parents=True)

    result = _run("analyze", "--json", "--debug", str(tmp_path / "debug"), str(face))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{in_the_way}: cannot write the file: Is a directory." in result.stderr
    assert json.loads(result.stdout)["ok"]
