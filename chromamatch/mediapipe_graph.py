"""Run a mediapipe calculator graph on one set of inputs at a time, and read its landmarks.

mediapipe's ``SolutionBase.process`` defines a new namedtuple class on every call and reads
every output into Python objects; for the small face graphs that is a measurable part of their
time. ``Graph`` runs the same graph on the same packets and hands back the output packets, for
the caller to read only what it needs; ``landmark_array`` reads landmarks straight into numpy.
"""

from pathlib import Path

import numpy as np


class Graph:
    """A started mediapipe graph; ``config`` is a ``CalculatorGraphConfig``.

    Not thread-safe: a graph takes one set of inputs at a time, so callers hold a lock.
    """

    def __init__(self, config, side_packets: dict | None = None):
        # mediapipe takes about two seconds to import: only pay for it when a graph is built.
        import mediapipe
        from mediapipe.python._framework_bindings import calculator_graph, resource_util

        # The graphs name their models by paths relative to the folder holding the package.
        resource_util.set_resource_dir(str(Path(mediapipe.__file__).resolve().parent.parent))
        self._graph = calculator_graph.CalculatorGraph(graph_config=config)
        self._outputs: dict = {}
        for stream in config.output_stream:
            # Also told of a timestamp without output (nothing found), as an empty packet.
            self._graph.observe_output_stream(stream, self._outputs.__setitem__, True)
        self._graph.start_run(side_packets or {})
        self._timestamp = 0

    def run(self, **inputs) -> dict:
        """The non-empty output packets, by stream name, for one value per input stream: an
        RGB image (H x W x 3 uint8 array) or a protobuf message."""
        from mediapipe.python import packet_creator
        from mediapipe.python._framework_bindings import image_frame

        self._outputs.clear()
        self._timestamp += 1
        for stream, value in inputs.items():
            if isinstance(value, np.ndarray):
                packet = packet_creator.create_image_frame(
                    np.ascontiguousarray(value), image_format=image_frame.ImageFormat.SRGB
                )
            else:
                packet = packet_creator.create_proto(value)
            self._graph.add_packet_to_input_stream(stream=stream, packet=packet.at(self._timestamp))
        self._graph.wait_until_idle()
        return {name: packet for name, packet in self._outputs.items() if not packet.is_empty()}


def landmark_array(landmarks) -> np.ndarray:
    """(N, 3) float32 x, y, z of a ``NormalizedLandmarkList``, read off its wire format.

    Reading 478 landmarks' fields one by one from the Python message costs 0.1-0.2 ms. On the
    wire each is 17 bytes: a length-delimited field holding x, y and z as tagged little-endian
    floats, unless one is exactly 0 (left out) or visibility is set; then the fields are read
    one by one after all.
    """
    wire = np.frombuffer(landmarks.SerializeToString(), dtype=np.uint8)
    if wire.size and wire.size % 17 == 0:
        rows = wire.reshape(-1, 17)
        if (rows[:, [0, 1, 2, 7, 12]] == (0x0A, 15, 0x0D, 0x15, 0x1D)).all():
            return np.concatenate([rows[:, 3:7], rows[:, 8:12], rows[:, 13:17]], 1).view("<f4")
    return np.array([(p.x, p.y, p.z) for p in landmarks.landmark], np.float32).reshape(-1, 3)
