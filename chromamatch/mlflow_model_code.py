"""The file MLflow runs to build ``ChromaMatch_Model`` when a version is loaded.

MLflow's "models from code": logging stores this file instead of a pickled object. Only
MLflow imports it.
"""

from mlflow.models import set_model

from chromamatch.pyfunc_model import ChromaMatchModel

set_model(ChromaMatchModel())
