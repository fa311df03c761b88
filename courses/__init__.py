"""Courses: the Wagtail page tree that learners use, from the home page down to lessons."""
