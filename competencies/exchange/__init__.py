"""Frameworks in and out: CSV in the UK layout and 1EdTech CASE JSON, both lossless."""
