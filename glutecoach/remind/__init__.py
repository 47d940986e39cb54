"""Desk reminders: when to nudge the user out of the chair, and the loop that does it.

``schedule`` is pure (no clock, no terminal, no database): it is told the time and what
happened and answers with events. ``watch`` reads history.db for breaks taken elsewhere,
``log`` remembers each nudge, and ``runner`` is the long-running terminal front end.
"""
