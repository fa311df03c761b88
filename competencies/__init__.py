"""Competency frameworks: areas, competencies, level descriptors, crosswalks, role requirements,
self-assessment and manager validation."""
