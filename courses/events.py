"""What the course app tells the apps above it. They listen; courses never imports them.

course_completed: sent once per enrolment, inside the transaction that records the completion,
with `user`, `course` (the CoursePage) and `completed_at`. Listeners that fail roll the
completion back, so they must only record what follows from it.
"""

from django.dispatch import Signal

course_completed = Signal()
