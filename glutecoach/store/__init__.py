"""What glutecoach remembers: paths, settings, levels, history. No Textual, no pyttsx3."""
