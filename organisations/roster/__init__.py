"""The HR roster: a CSV of staff that places people, builds the department tree and ends leavers."""
