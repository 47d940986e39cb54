"""The screen's own part of the wording: the band's words and its colour classes per phase.

Every other word about a step lives in ``engine/describe.py`` (re-exported here for screens).
"""

from __future__ import annotations

from glutecoach.engine.describe import STEP_LABELS
from glutecoach.engine.describe import detail_line as detail_line
from glutecoach.engine.describe import exercise_name as exercise_name
from glutecoach.engine.describe import exercise_title as exercise_title
from glutecoach.engine.describe import mmss as mmss
from glutecoach.engine.describe import set_side as set_side
from glutecoach.engine.describe import span as span
from glutecoach.engine.describe import step_line as step_line
from glutecoach.engine.describe import work_amount as work_amount
from glutecoach.engine.model import StepKind

# The band says the same words as line mode and `glutecoach plan`, in capitals.
PHASE_WORDS = {kind: label.upper() for kind, label in STEP_LABELS.items()}

PHASE_CLASSES = {
    StepKind.LEAD_IN: "-phase-get-ready",
    StepKind.WORK: "-phase-work",
    StepKind.REST: "-phase-rest",
    StepKind.SWITCH: "-phase-switch",
    StepKind.TRANSITION: "-phase-get-ready",
}
