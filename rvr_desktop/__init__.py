"""RVR Desktop: evidence capture for police Rapid Video Response calls."""

__version__ = "0.1.0"

SOFTWARE = f"RVR Desktop {__version__}"
"""The name and version written into every bundle, document, report and window."""
