import pickle
from concurrent.futures import ProcessPoolExecutor

import pytest

from chromamatch.errors import MESSAGES, AnalysisError


def _refuse(message: str) -> None:
    raise AnalysisError("no_face", message)


def test_a_refusal_keeps_its_code_and_message_across_processes():
    # Training and benchmarks read photos in worker processes; a refusal there must reach the
    # parent as itself, not as an error about an unknown code.
    with ProcessPoolExecutor(1) as pool, pytest.raises(AnalysisError) as refused:
        pool.submit(_refuse, "Your cheeks look covered.").result()

    assert refused.value.code == "no_face"
    assert refused.value.message == "Your cheeks look covered."


def test_a_refusal_pickles_to_an_equal_one():
    error = pickle.loads(pickle.dumps(AnalysisError("face_too_small")))  # noqa: S301 (own bytes)

    assert (error.code, error.message) == ("face_too_small", MESSAGES["face_too_small"])


def test_an_unknown_code_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown analysis error code"):
        AnalysisError("blurry")
