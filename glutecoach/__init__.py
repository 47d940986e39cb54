"""glutecoach: a voice-guided glute and hip routine coach for the terminal."""

__version__ = "0.1.0"
