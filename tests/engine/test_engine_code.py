"""The digest that names the engine code a result came from."""

import shutil

from chromamatch import engine_code


def test_it_is_short_hex_and_the_same_on_every_call():
    first = engine_code.digest()

    assert len(first) == engine_code.DIGEST_LENGTH
    int(first, 16)
    assert engine_code.digest() == first


def test_it_changes_with_any_line_of_the_code_and_not_with_its_location(tmp_path, monkeypatch):
    def digest_of(folder):
        monkeypatch.setattr(engine_code, "PACKAGE_DIR", folder)
        engine_code.digest.cache_clear()
        try:
            return engine_code.digest()
        finally:
            engine_code.digest.cache_clear()

    installed = engine_code.digest()
    copy = shutil.copytree(engine_code.PACKAGE_DIR, tmp_path / "a" / "chromamatch")
    moved = digest_of(copy)
    (copy / "season.py").write_text((copy / "season.py").read_text() + "\n# a comment\n")

    assert moved == installed
    assert digest_of(copy) != installed
