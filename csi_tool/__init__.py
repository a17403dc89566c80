"""csi: a git-native continual improvement register."""

__version__ = "0.1.0"
