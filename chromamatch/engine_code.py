"""Which engine code produced a result.

A registered model version carries the lighting weights, palettes and advice, but the rules
(sampling, season, advice wording, ...) are the package's code, which the serving worker
brings. A short digest of that code, stored with every result beside the model version and
tagged on each registered version, names exactly what produced a result; the drift monitor
starts a new reference when it changes.
"""

import hashlib
from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DIGEST_LENGTH = 12


@lru_cache(maxsize=1)
def digest() -> str:
    """The first hex digits of a SHA-256 over every Python file of the package, path and
    content, in path order; the same for the same code wherever it is installed."""
    sha = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        sha.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
        sha.update(path.read_bytes() + b"\0")
    return sha.hexdigest()[:DIGEST_LENGTH]
