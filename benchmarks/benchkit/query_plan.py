"""Timing the SQL statements a query benchmark runs directly, and summarising their plans."""

import time


def time_direct(conn, statements: list[str], warmup: int, samples: int) -> tuple[list, list]:
    """Each sample runs the page's statements one after the other, as statements_page does,
    fetching every row; returns the summed time per sample and each statement's times."""
    timings, each = [], [[] for _ in statements]
    for n in range(warmup + samples):
        total = 0.0
        for index, sql in enumerate(statements):
            began = time.perf_counter()
            conn.execute(sql).fetchall()
            took = time.perf_counter() - began
            total += took
            if n >= warmup:
                each[index].append(took)
        if n >= warmup:
            timings.append(total)
    return timings, each


def explain(conn, sql: str, tables: dict[str, int]) -> dict:
    """The plan, and whether it reads a statement table wholesale: a Seq Scan on one, or
    any scan of one that reads (returns or filters out) half its rows or more."""
    text = "\n".join(r[0] for r in conn.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}"))
    tree = conn.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}").fetchone()[0][0]
    seq_scans, rows_read = set(), {}

    def visit(node):
        relation = node.get("Relation Name")
        if relation in tables:
            if node["Node Type"] == "Seq Scan" and node.get("Actual Loops", 0):
                seq_scans.add(relation)
            read = (
                node.get("Actual Rows", 0)
                + node.get("Rows Removed by Filter", 0)
                + node.get("Rows Removed by Index Recheck", 0)
            ) * node.get("Actual Loops", 1)
            rows_read[relation] = rows_read.get(relation, 0) + read
        for child in node.get("Plans", []):
            visit(child)

    visit(tree["Plan"])
    wholesale = sorted(t for t, n in rows_read.items() if tables[t] and n >= tables[t] / 2)
    return {
        "seq_scan_on_statement_tables": sorted(seq_scans),
        "reads_half_a_statement_table_or_more": wholesale,
        "scans_table": bool(seq_scans or wholesale),
        "rows_read": {t: int(n) for t, n in sorted(rows_read.items())},
        "shared_buffers": {
            "hit": tree["Plan"].get("Shared Hit Blocks"),
            "read": tree["Plan"].get("Shared Read Blocks"),
        },
        "execution_ms": round(tree["Execution Time"], 2),
        "plan": text,
    }


def explain_all(conn, statements: list[str], tables: dict[str, int]) -> tuple[dict, list]:
    """EXPLAIN each statement; the summary has the same keys as one plan's, over them all."""
    plans = [explain(conn, sql, tables) for sql in statements]
    rows_read: dict[str, int] = {}
    for plan in plans:
        for table, n in plan["rows_read"].items():
            rows_read[table] = rows_read.get(table, 0) + n
    summary = {
        "seq_scan_on_statement_tables": sorted(
            {t for p in plans for t in p["seq_scan_on_statement_tables"]}
        ),
        "reads_half_a_statement_table_or_more": sorted(
            {t for p in plans for t in p["reads_half_a_statement_table_or_more"]}
        ),
        "scans_table": any(p["scans_table"] for p in plans),
        "rows_read": dict(sorted(rows_read.items())),
        "shared_buffers": {
            kind: sum(p["shared_buffers"][kind] or 0 for p in plans) for kind in ("hit", "read")
        },
        "execution_ms": round(sum(p["execution_ms"] for p in plans), 2),
        "plan": "\n\n".join(
            f"-- statement {n + 1} of {len(plans)}\n{p['plan']}" for n, p in enumerate(plans)
        ),
    }
    return summary, plans


# -- the run ------------------------------------------------------------------------------------
