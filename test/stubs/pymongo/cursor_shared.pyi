# PyMongo 4.13 - 4.18.0.dev0
class CursorType:
    NON_TAILABLE: int
    TAILABLE: int
    TAILABLE_AWAIT: int
    EXHAUST: int
