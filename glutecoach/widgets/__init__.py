"""Reusable pieces the screens compose. Each repaints only when what it shows has changed."""
