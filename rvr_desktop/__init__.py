"""RVR Desktop: evidence capture for police Rapid Video Response calls."""

__version__ = "0.1.0"
