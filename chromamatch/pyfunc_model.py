"""``ChromaMatch_Model``: the whole engine as an MLflow pyfunc model.

Input: a DataFrame with an ``image`` column of photo bytes (or a plain list of bytes). Output:
one engine dictionary of INTERFACES.md per image, in order. The model's artifact carries the
engine data it analyses with (lighting weights, palettes, advice, engine settings), so a
version keeps answering the same way after the package's own files change.

MLflow builds the model from code (``mlflow_model_code.py``) rather than from a pickle: what a
registry holds is then data files and source, never an object that runs when it is unpickled.
"""

from pathlib import Path

import mlflow.pyfunc

from chromamatch import engine_data
from chromamatch.analysis import analyze
from chromamatch.engine_data import EngineData
from chromamatch.registry import ENGINE_DATA_ARTIFACT, INPUT_COLUMN


class ChromaMatchModel(mlflow.pyfunc.PythonModel):
    def load_context(self, context) -> None:
        self.data = EngineData.read(Path(context.artifacts[ENGINE_DATA_ARTIFACT]))

    def predict(self, context, model_input, params=None) -> list[dict]:
        with engine_data.using(self.data):
            return [analyze(bytes(image)) for image in images_of(model_input)]


def images_of(model_input) -> list:
    """The photos of a pyfunc input: a DataFrame's ``image`` column, or a list of bytes."""
    if hasattr(model_input, "columns"):
        if INPUT_COLUMN not in model_input.columns:
            raise ValueError(f"the input needs an {INPUT_COLUMN!r} column of image bytes")
        return list(model_input[INPUT_COLUMN])
    return list(model_input)
