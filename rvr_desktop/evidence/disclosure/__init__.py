"""The victim's restricted details: finding them in text, withholding them from what may
be disclosed, and listing for the disclosure officer every place one still appears.

Everything here is plain Python (no Qt): the note box's remark, the export and the
verifier use the same rules.
"""
