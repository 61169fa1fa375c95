"""``ChromaMatch_Model``: the whole engine as an MLflow pyfunc model.

Input: a DataFrame with an ``image`` column of photo bytes (``registry.model_input`` makes
one from a list). Output: one engine dictionary of INTERFACES.md per image, in order. The
model's artifact carries the engine data it analyses with (lighting weights, palettes, advice,
engine settings), so a version keeps answering the same way after the package's own files
change.

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
        # MLflow has checked the input against the signature: an ``image`` column of bytes.
        with engine_data.using(self.data):
            return [analyze(bytes(image)) for image in model_input[INPUT_COLUMN]]
