"""Summaries of measurements and the table printed at the end."""

from __future__ import annotations

from typing import Any


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)


def summary_ms(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": pct(values, 0.5),
        "p95_ms": pct(values, 0.95),
        "p99_ms": pct(values, 0.99),
    }


def table(results: dict[str, Any]) -> str:
    lines = ["", "voicetrain bench", "================"]
    s = results["start_latency"]
    for name, v in s.items():
        if isinstance(v, dict) and "p50_ms" in v:
            lines.append(
                f"start session ({name:>14}): p50 {v['p50_ms']} ms  p95 {v['p95_ms']} ms  p99 {v['p99_ms']} ms  (n={v['n']})"
            )
    lines.append(
        f"first start of the stack (one-time set-up, not in the figures): {s['first_start_ms']} ms"
    )
    lines.append(
        f"spaced start / floor: p50 {s['spaced_p50_over_floor']}x, p99 {s['spaced_p99_over_floor_p50']}x the floor's p50; CPU ms per start {s['cpu_ms_per_start']}"
    )
    a = results["start_ablation"]
    lines.append(
        f"create+load sequential/concurrent (p50): {a['sequential_over_concurrent_p50']}x  ({a['sequential']['p50_ms']} vs {a['concurrent']['p50_ms']} ms)"
    )
    live = results["live_load"]
    lines.append(
        f"live load {live['sessions']}x{live['turns_per_session']}: {live['turns_ingested_per_second']} turns/s; turn->DB p50 {live['turn_to_db']['p50_ms']} ms p99 {live['turn_to_db']['p99_ms']} ms; end->evaluation p50 {live['end_to_evaluation']['p50_ms']} ms p99 {live['end_to_evaluation']['p99_ms']} ms"
    )
    lines.append(f"CPU (cores) while ingesting: {live['cpu_share_while_ingesting']}")
    lines.append(
        f"worker RSS peak {live['worker_rss_mb_peak']} MB, {live['worker_rss_kb_per_active_session']} KB per active session; check {live['check']}"
    )
    p = results["persistence"]
    lines.append(
        f"persist {p['turns']} turns: one statement {p['one_statement_ms']} ms vs row by row {p['row_by_row_ms']} ms = {p['speedup']}x"
    )
    cap = results.get("capacity")
    if cap:
        for run in cap["runs"]:
            lines.append(
                f"capacity {run['sessions']} sessions @ a turn per {cap['pacing_seconds']:.0f} s: turn->DB p99 {run['turn_to_db']['p99_ms']} ms; CPU ms per turn {run['cpu_ms_per_turn']}"
            )
        lines.append(f"largest count with p99 <= 1 s: {cap['largest_count_with_p99_under_1s']}")
    storm = results.get("storm")
    if storm:
        for key in ("without_admission", "with_admission"):
            run = storm[key]
            lines.append(
                f"storm of {run['starts']} starts beside {storm['live_sessions']} live sessions, {key.replace('_', ' ')}: "
                f"{run['admitted']} admitted, {run['refused_429']} refused (429), other {run['other']}, answered within {run['answered_within_seconds']} s; "
                f"live turn->DB p99 {run['live_turn_to_db_during_storm']['p99_ms']} ms during (before: {run['live_turn_to_db_before_storm']['p99_ms']} ms)"
            )
    for name, check in results.get("faults", {}).items():
        lines.append(f"fault {name:>17}: {check}")
    return "\n".join(lines)


def consistent(check: dict[str, Any], *, expected_abandoned: dict[str, int] | None = None) -> bool:
    """Nothing lost: every started session either completed (with its whole transcript and
    exactly one evaluation) or was abandoned for an expected reason."""
    expected = expected_abandoned or {}
    return bool(
        check["abandoned"] == expected
        and check["started"] == check["completed"] + sum(expected.values())
        and check["completed"] == check["complete_transcript"] == check["exactly_one_evaluation"]
    )
