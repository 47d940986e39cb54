"""The coach's brain: exercises, routines, plans and the session clock.

No Textual, no pyttsx3, no audio: a test imports this package in a fresh interpreter and
checks. Data flows one way: routine file -> Routine -> Plan (timed steps with a cue script)
-> Session (walks the plan against an injected clock and emits events).
"""
