"""The figures `voicetrain calibrate` reports, checked against values computed by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from evaluation.calibration import weighted_kappa
from voicetrain.calibrate import run_calibrate


def test_weighted_kappa_is_one_for_perfect_agreement_and_zero_at_chance() -> None:
    assert weighted_kappa([(0, 0), (1, 1), (2, 2), (2, 2)]) == 1.0
    # every combination once: ratings independent of each other -> chance agreement
    assert weighted_kappa([(a, b) for a in range(3) for b in range(3)]) == 0.0


def test_weighted_kappa_by_hand() -> None:
    # evaluator/expert: (met, met), (partly, met), (not_met, not_met), (met, partly)
    pairs = [(2, 2), (1, 2), (0, 0), (2, 1)]
    # observed weighted disagreement: two pairs one level apart, weight 1/4 each, n=4 -> 0.125
    # marginals: evaluator 0:1/4 1:1/4 2:2/4; expert 0:1/4 1:1/4 2:2/4
    # expected: sum_ij w_ij r_i c_j = (2*(1/4*1/4)*(1/4) + 2*(1/4*2/4)*(1/4) + 2*(1/4*2/4)*1) = 0.34375
    assert weighted_kappa(pairs) == pytest.approx(1 - 0.125 / 0.34375, abs=1e-3)


def test_two_level_disagreement_costs_more_than_one() -> None:
    near = [(2, 1), (1, 1), (0, 0), (2, 2)]
    far = [(2, 0), (1, 1), (0, 0), (2, 2)]
    near_k, far_k = weighted_kappa(near), weighted_kappa(far)
    assert near_k is not None
    assert far_k is not None
    assert near_k > far_k


def test_no_pairs_no_kappa() -> None:
    assert weighted_kappa([]) is None


async def test_calibrate_reports_each_split_and_names_unflagged_harmful_acts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = Path(__file__).parent.parent / "calibration"
    for name, split in (("suicide-harmful", "report"), ("suicide-exemplary", "tune")):
        doc = yaml.safe_load((source / f"{name}.yaml").read_text())
        doc["split"] = split
        if name == "suicide-harmful":
            doc["harmful_acts"] = ["an_act_no_evaluator_flags"]
        (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump(doc))
    code = await run_calibrate(tmp_path, min_pass_agreement=0, min_ranking=0, judge=None)
    out = capsys.readouterr().out
    assert code == 1
    assert "split report (never tuned on):" in out
    assert "split tune (tuned on):" in out
    assert "suicide-harmful (an_act_no_evaluator_flags)" in out
    assert "harmful file(s) missing the red flag of an act" in out
