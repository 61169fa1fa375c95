"""The API's JSON reader: DRF's, refusing a document nested too deeply as bad input."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            # Python's reader recurses once per level, so a few hundred kB of brackets exhaust
            # the stack: bad input (400), not a fault of the server (500).
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
