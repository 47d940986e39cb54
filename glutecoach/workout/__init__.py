"""One workout run behind every front end: no Textual, no pyttsx3, no SQLite on its path.

``WorkoutRun`` owns the session, the voice, the recorder and the tally; the app and line
mode send it commands and render the view events it returns. ``ports`` holds the typed
seams it talks through.
"""
