"""SCORM package structures and learners' attempts with their CMI data."""
