"""`voicetrain bench`: a package of the stack it runs on, the scenarios it measures, the faults it
injects, the checks after each run and the report."""

from __future__ import annotations

from voicetrain.bench.cli import run_bench

__all__ = ["run_bench"]
