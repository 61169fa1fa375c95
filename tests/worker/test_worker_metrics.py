"""A worker's multiprocess metrics start from nothing at each start."""

import os

from prometheus_client import CollectorRegistry, Counter, multiprocess, values

from worker.metrics import forget_earlier_runs


def test_counts_of_an_earlier_run_are_not_summed_in(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    # A run before the restart counted 7 analyses, in its own process's file.
    monkeypatch.setattr(values, "ValueClass", values.MultiProcessValue(lambda: 4242))
    earlier = Counter("restart_probe", "counted before the restart", registry=None)
    earlier.inc(7)
    before = CollectorRegistry()
    multiprocess.MultiProcessCollector(before, path=str(tmp_path))
    assert before.get_sample_value("restart_probe_total") == 7

    forget_earlier_runs()

    after = CollectorRegistry()
    multiprocess.MultiProcessCollector(after, path=str(tmp_path))
    assert after.get_sample_value("restart_probe_total") is None
    # This process's own files stay: its metrics keep counting into them.
    own = tmp_path / f"counter_{os.getpid()}.db"
    own.write_bytes(b"")
    forget_earlier_runs()
    assert own.exists()
    other = tmp_path / "notes.txt"
    other.write_text("kept")
    forget_earlier_runs()
    assert other.exists()  # only the metrics files go
