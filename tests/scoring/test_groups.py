"""Tests of the blocked group aggregation behind campaign scoring (``assess.scoring._groups``).

The blocks exist for speed only, so the results must not depend on where the blocks fall:
groups cut across blocks (the organisation, a team larger than a block) must give the same
counts, means, variances and absolute deviations as a direct computation per group.
"""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from assess.scoring import ScoringWarning, respondent_scores, score_campaign
from assess.scoring import _groups as groups_module
from assess.scoring import respondents as respondents_module
from assess.scoring._groups import blocks, factorize, group_moments, group_sums

_REF_PATH = Path(__file__).with_name("_reference.py")
_spec = importlib.util.spec_from_file_location("scoring_reference_groups", _REF_PATH)
reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of 16 rows, so that ordinary test teams are cut across blocks."""
    monkeypatch.setattr(groups_module, "BLOCK_ROWS", 16)
    monkeypatch.setattr(respondents_module, "BLOCK_ROWS", 16)
    return 16


# --- factorize ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "labels",
    [
        np.array(["a", "a", "b", "c", "c", "c"]),  # grouped and sorted: the linear path
        np.array(["c", "a", "b", "a", "c"]),  # unsorted: the sort path
        np.array([3, 3, 7, 7, 9]),
        np.array([9, 1, 9, 1]),
        np.array(["only"]),
        np.array([], dtype=str),
        np.array(["b", "b", "a", "a"]),  # grouped but not sorted
    ],
)
def test_factorize_matches_numpy_unique(labels):
    uniq, codes = factorize(labels)
    want_uniq, want_codes = np.unique(labels, return_inverse=True)
    assert_array_equal(uniq, want_uniq)
    assert_array_equal(codes, want_codes)
    assert codes.dtype == np.intp


def test_factorize_refuses_mixed_types_like_numpy():
    with pytest.raises(TypeError):
        factorize(np.array(["a", 1, "b"], dtype=object))


# --- blocks ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("sizes", [[3, 5, 40, 2, 2, 17, 16, 1], [100], [16, 16, 16], [1] * 50])
def test_blocks_cover_every_row_once_and_mark_whole_groups(small_blocks, sizes):
    codes = np.repeat(np.arange(len(sizes)), sizes)
    seen = np.zeros(codes.size, dtype=int)
    previous_end = 0
    for blk in blocks(codes):
        assert blk.r0 == previous_end
        previous_end = blk.r1
        seen[blk.r0:blk.r1] += 1
        rows = codes[blk.r0:blk.r1]
        assert_array_equal(blk.groups, rows[blk.segments])
        assert len(set(blk.groups.tolist())) == blk.groups.size  # one run per group
        assert_array_equal(blk.local_codes(), np.searchsorted(blk.segments, np.arange(rows.size),
                                                              side="right") - 1)
        first_whole = blk.r0 == 0 or codes[blk.r0 - 1] != codes[blk.r0]
        last_whole = blk.r1 == codes.size or codes[blk.r1] != codes[blk.r1 - 1]
        assert blk.whole == (first_whole and last_whole)
        # a block never exceeds two blocks' worth of rows (a small group is never cut)
        assert blk.r1 - blk.r0 <= 2 * small_blocks
    assert previous_end == codes.size
    assert (seen == 1).all()
    for size, start in zip(sizes, np.r_[0, np.cumsum(sizes)[:-1]], strict=True):
        if size <= small_blocks:
            assert any(b.r0 <= start and start + size <= b.r1 for b in blocks(codes))


def test_blocks_of_nothing():
    assert list(blocks(np.array([], dtype=np.intp))) == []


# --- sums and moments against a direct computation ----------------------------------------------
def _direct(codes, n_groups, data, mask):
    count = np.zeros((n_groups, data.shape[1]))
    total = np.zeros_like(count)
    mean = np.full_like(count, np.nan)
    var = np.full_like(count, np.nan)
    absdev = np.zeros_like(count)
    for g in range(n_groups):
        for c in range(data.shape[1]):
            x = data[(codes == g) & mask[:, c], c]
            count[g, c] = x.size
            total[g, c] = x.sum()
            if x.size:
                mean[g, c] = x.mean()
                absdev[g, c] = np.abs(x - x.mean()).sum()
            if x.size > 1:
                var[g, c] = x.var(ddof=1)
    return count, total, mean, var, absdev


@pytest.mark.parametrize("block_rows", [5, 16, 4096])
def test_group_moments_do_not_depend_on_the_blocks(monkeypatch, block_rows):
    monkeypatch.setattr(groups_module, "BLOCK_ROWS", block_rows)
    rng = np.random.default_rng(3)
    sizes = [1, 2, 37, 4, 60, 3, 9, 0, 5]  # group 7 has no rows at all
    codes = np.repeat(np.arange(len(sizes)), sizes)
    data = rng.integers(1, 6, size=(codes.size, 4)).astype(float) + 1e6  # offset: stability
    mask = rng.random(data.shape) < 0.85
    mask[codes == 2, 1] = False  # a group with no valid value in one column
    count, mean, var, absdev = group_moments(codes, len(sizes), data, mask, absolute=True)
    w_count, w_total, w_mean, w_var, w_absdev = _direct(codes, len(sizes), data, mask)
    assert_array_equal(count, w_count)
    assert_allclose(mean, w_mean, rtol=1e-15)
    assert_allclose(var, w_var, rtol=1e-9)
    assert_allclose(absdev, w_absdev, rtol=1e-9)
    s_count, s_total = group_sums(codes, len(sizes), data, mask)
    assert_array_equal(s_count, w_count)
    assert_allclose(s_total, w_total, rtol=1e-15)


def test_group_moments_gather_columns_and_mask_columns(small_blocks):
    rng = np.random.default_rng(5)
    codes = np.repeat(np.arange(4), [30, 2, 50, 7])
    data = rng.normal(size=(codes.size, 6))
    mask = rng.random((codes.size, 2)) < 0.7
    columns = np.array([4, 0, 5, 2])
    mask_columns = np.array([0, 0, 1, 1])
    got = group_moments(codes, 4, data, mask, absolute=True, columns=columns,
                        mask_columns=mask_columns)
    want = group_moments(codes, 4, data[:, columns], mask[:, mask_columns], absolute=True)
    for a, b in zip(got, want, strict=True):
        assert_allclose(a, b, rtol=1e-12)


# --- the whole campaign with teams cut across blocks --------------------------------------------
def _campaign(seed):
    from tests.scoring.test_campaign import _random_campaign

    return _random_campaign(seed, sizes=[3, 40, 11, 25, 6])


@pytest.mark.parametrize("seed", [0, 1])
def test_campaign_with_cut_teams_matches_the_per_respondent_loop(small_blocks, seed):
    values, dk, teams, spec, baseline = _campaign(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScoringWarning)
        r = score_campaign(values, dk, teams, spec, baseline=baseline)
    ref = reference.score_loop(values, dk, teams, spec, baseline)
    for i, label in enumerate(r.teams.labels):
        for j, dim in enumerate(r.teams.dimensions):
            for field, want in ref[(label, dim)].items():
                assert_allclose(getattr(r.teams, field)[i, j], want, rtol=1e-9, atol=1e-12,
                                err_msg=f"{field} of team {label}, {dim}")


def test_campaign_result_does_not_depend_on_the_block_size(monkeypatch):
    values, dk, teams, spec, baseline = _campaign(2)
    results = []
    for rows in (4096, 16, 7):
        monkeypatch.setattr(groups_module, "BLOCK_ROWS", rows)
        monkeypatch.setattr(respondents_module, "BLOCK_ROWS", rows)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScoringWarning)
            results.append(score_campaign(values, dk, teams, spec, baseline=baseline).to_dict())
    assert _same(results[0], results[1])
    assert _same(results[0], results[2])


def _same(a, b) -> bool:
    """Nested JSON-like structures equal, floats to 1e-12 relative (NaN equal to NaN)."""
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return (np.isnan(a) and np.isnan(b)) or a == pytest.approx(b, rel=1e-12, abs=1e-14)
    return a == b


# --- values are checked block by block, with the row of the whole matrix ------------------------
@pytest.mark.parametrize(
    ("row", "column", "value", "message"),
    [
        (45, 2, 7.0, r"within the scale \[1, 5\], got 7 \(row 45, column 2\)"),
        (3, 0, 0.0, r"within the scale \[1, 5\], got 0 \(row 3, column 0\)"),
        (61, 4, np.inf, "must not contain infinite values"),
        (50, 15, 2.5, "rubric columns must be whole level numbers 1..5"),
    ],
)
def test_bad_values_in_a_later_block_are_refused(small_blocks, row, column, value, message):
    values, dk, teams, spec, _ = _campaign(3)
    values = values.copy()
    values[row, column] = value
    dk = dk.copy()
    dk[row, column] = False
    for call in (lambda: score_campaign(values, dk, teams, spec),
                 lambda: respondent_scores(values, dk, spec)):
        with pytest.raises(ValueError, match=message):
            call()


def test_dont_know_with_a_value_names_its_row(small_blocks):
    values, dk, teams, spec, _ = _campaign(4)
    values, dk = values.copy(), dk.copy()
    dk[70, 1] = True
    values[70, 1] = 3.0
    with pytest.raises(ValueError, match=r"row 70, column 1 has both"):
        score_campaign(values, dk, teams, spec)
