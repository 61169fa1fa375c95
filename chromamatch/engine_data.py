"""The data an analysis runs on: the lighting estimator's weights, the palettes, the advice.

By default they are the files shipped in ``chromamatch/data``. A registered model version
carries its own copies (``ChromaMatch_Model`` in MLflow) and analyses with them by
``with using(data): ...``; a context variable keeps two versions loaded in one process (a
worker picking up a moved alias) from reading each other's weights.
"""

import contextlib
import hashlib
import json
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from chromamatch.face_landmarks import MIN_FACE_WIDTH_PX
from chromamatch.image_loading import ANALYSIS_MAX_SIDE

DATA_DIR = Path(__file__).resolve().parent / "data"
LIGHTING_MODEL_FILE = "lighting_model.npz"
PALETTES_FILE = "palettes.toml"
ADVICE_FILE = "advice.toml"
CONFIG_FILE = "engine_config.json"
FILES = (LIGHTING_MODEL_FILE, PALETTES_FILE, ADVICE_FILE)


def engine_config() -> dict:
    """The settings a lighting estimator is only valid for: it learned its cues at this size."""
    return {
        "analysis_max_side": ANALYSIS_MAX_SIDE,
        "min_face_width_px": MIN_FACE_WIDTH_PX,
    }


class IncompatibleEngineData(ValueError):
    """Model files made for another version of the engine."""


@dataclass(frozen=True)
class EngineData:
    lighting_model: object  # lighting.LightingModel; typed loosely to keep imports one-way
    palettes: dict
    advice: dict
    config: dict
    digest: str  # sha256 over the files, to tell two versions' data apart

    @classmethod
    def read(cls, directory: Path) -> "EngineData":
        """Read and check the files in ``directory``; raise on anything missing or malformed."""
        # Imported here: these modules read the current data through this one.
        from chromamatch.lighting import LightingModel
        from chromamatch.palette import load_palettes
        from chromamatch.recommendations import load_advice

        directory = Path(directory)
        config_path = directory / CONFIG_FILE
        config = json.loads(config_path.read_text()) if config_path.is_file() else engine_config()
        if config != engine_config():
            raise IncompatibleEngineData(
                f"these model files were made for engine settings {config}, this engine runs "
                f"{engine_config()}; train a new version with this engine"
            )
        digest = hashlib.sha256()
        for name in FILES:
            digest.update((directory / name).read_bytes())
        return cls(
            lighting_model=LightingModel.load(directory / LIGHTING_MODEL_FILE),
            palettes=load_palettes(directory / PALETTES_FILE),
            advice=load_advice(directory / ADVICE_FILE),
            config=config,
            digest=digest.hexdigest(),
        )


@lru_cache(maxsize=1)
def shipped() -> EngineData:
    """The files shipped with the package, read and checked once per process."""
    return EngineData.read(DATA_DIR)


_current: ContextVar[EngineData | None] = ContextVar("chromamatch_engine_data", default=None)


def current() -> EngineData:
    """The data the analysis running in this context uses."""
    return _current.get() or shipped()


@contextlib.contextmanager
def using(data: EngineData) -> Iterator[EngineData]:
    """Analyse with ``data`` instead of the shipped files inside the ``with`` block."""
    token = _current.set(data)
    try:
        yield data
    finally:
        _current.reset(token)


def write_config(directory: Path) -> Path:
    """Write this engine's settings beside model files, for ``EngineData.read`` to check."""
    path = Path(directory) / CONFIG_FILE
    path.write_text(json.dumps(engine_config(), indent=2) + "\n")
    return path
