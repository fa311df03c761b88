"""What the course app tells the apps above it. They listen; courses never imports them.

course_completed: sent once per enrolment, inside the transaction that records the completion,
with `user`, `course` (the CoursePage) and `completed_at`. Listeners that fail roll the
completion back, so they must only record what follows from it.

programme_completed: the same, once per person and programme, with `user`, `programme` (the
ProgrammePage) and `completed_at`.
"""

from django.dispatch import Signal

course_completed = Signal()
programme_completed = Signal()
