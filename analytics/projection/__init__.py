"""The evidence projection: stored xAPI statements in, evidence and current levels out.

The Python form (rules.py, reference.py, with competencies.proficiency.reported_level) is the
reference: it states the rules readably, and SQLite runs it. The SQL form (sql.py,
sql_rebuild.py) is PostgreSQL's fast path for every batch and every rebuild; where the two
disagree, the SQL is wrong. tests/analytics/projection/test_python_and_sql_agree.py holds them
together (docs/decisions/0011-evidence-and-proficiency.md).
"""
