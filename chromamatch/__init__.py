"""ChromaMatch's analysis engine: colour measurement and advice from a selfie.

A plain Python package: it never imports Django, so it can be tested, benchmarked and served
on its own (the site and the MLflow model both call it).
"""
