"""The skill-gap reports: the store read as frames, computed, cached and shaped for the pages."""
