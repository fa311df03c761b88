"""Views of the courses app, by part of the learner's journey."""
