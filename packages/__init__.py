"""Bought-in course packages: upload, safe unpacking and storage, and serving their files from a
content origin of their own, where a package's scripts cannot act with a learner's session."""
