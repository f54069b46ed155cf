"""Text from outside (a store key, a file name, a certificate's name) made safe to print.

A terminal obeys the control characters in what it is given: a carriage return, an
escape sequence or a line break inside a store key could overwrite "NOT VERIFIED" with
"VERIFIED", and a right-to-left override can reorder what is read. Every character a
terminal would not simply show is printed as its code instead.
"""

from __future__ import annotations


def shown(text: str) -> str:
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)
