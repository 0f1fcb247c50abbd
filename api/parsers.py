"""The API's JSON parser: DRF's, plus a clear 400 for a body nested deeper than the decoder can read.

DRF turns a ValueError of the decoder into a ParseError (400), but not the
RecursionError a body such as [[[[...]]]] ten thousand levels deep raises:
that reached the error handler as a 500. Only the decoding is guarded here,
so a RecursionError in our own code still shows as the bug it is.
"""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class JsonParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None
