"""Tests of :class:`InstrumentSpec` and :class:`DimensionSpec` validation."""

from __future__ import annotations

import pytest

from assess.scoring import DEFAULT_LEVEL_CUTS, DimensionSpec, InstrumentSpec


def _dims():
    return (DimensionSpec("a", (0, 1, 2), reverse=(False, True, False), rubric_column=6),
            DimensionSpec("b", (3, 4, 5), orientation=("pmo", "apo", "neutral")))


def test_defaults_and_derived_properties():
    spec = InstrumentSpec(_dims())
    assert spec.level_cuts == DEFAULT_LEVEL_CUTS == (1.8, 2.6, 3.4, 4.2)
    assert spec.level_cuts_hundredths() == (180, 260, 340, 420)
    assert (spec.min_n, spec.min_n_spread, spec.min_n_comments) == (5, 5, 10)
    assert (spec.rubric_quorum, spec.min_answered, spec.min_items, spec.mid) == (0.7, 0.5, 2, 0.25)
    assert (spec.alpha, spec.min_effect) == (0.05, 0.2)
    assert spec.n_levels == 5
    assert spec.scale_points == 5
    assert spec.dimension_ids == ("a", "b")
    assert spec.likert_columns == (0, 1, 2, 3, 4, 5)
    assert spec.rubric_columns == (6,)
    assert spec.dimensions[1].weights == (1.0, 1.0, 1.0)
    assert spec.dimensions[0].orientation == ("neutral",) * 3


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"scale_min": 5, "scale_max": 5}, "scale_min must be less than scale_max"),
        ({"scale_min": 1.5}, "scale_min must be an integer"),
        ({"min_n": 2}, "min_n must be an integer >= 3"),
        ({"min_n_spread": 4}, "min_n_spread must be an integer >= 5"),
        ({"level_cuts": (2.6, 1.8)}, "level_cuts must be strictly increasing"),
        ({"level_cuts": (1.85, 2.655)}, "level_cuts must have at most 2 decimals"),
        ({"level_cuts": (0.5, 2.0)}, r"level_cuts must lie within \(scale_min, scale_max\]"),
        ({"level_labels": ("a", "b")}, "level_labels must hold 5 strings"),
        ({"rubric_quorum": 0}, r"rubric_quorum must be a number in \(0, 1\]"),
        ({"min_answered": 1.5}, r"min_answered must be a number in \(0, 1\]"),
        ({"mid": -1}, "mid must be a finite number >= 0"),
        ({"alpha": 1.0}, "alpha must be a number strictly between 0 and 1"),
        ({"dont_know": "yes"}, "dont_know must be a bool"),
        ({"dimensions": ()}, "dimensions must be a non-empty sequence"),
    ],
)
def test_bad_spec_names_the_field(kwargs, match):
    args = {"dimensions": _dims()} | kwargs
    with pytest.raises(ValueError, match=match):
        InstrumentSpec(**args)


def test_duplicate_dimension_ids_are_refused():
    with pytest.raises(ValueError, match="unique ids"):
        InstrumentSpec((DimensionSpec("a", (0, 1)), DimensionSpec("a", (2, 3))))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"id": ""}, "DimensionSpec.id must be a non-empty string"),
        ({"columns": ()}, "columns must name at least one"),
        ({"columns": (0, -1)}, "columns must be non-negative integers"),
        ({"columns": (0, 0)}, "must not repeat a column"),
        ({"reverse": (True,)}, r"reverse must have one entry per column \(2\)"),
        ({"weights": (1.0, 0.0)}, "weights must be finite numbers > 0"),
        ({"orientation": ("pmo", "agile")}, "orientation entries must be one of"),
        ({"rubric_column": 1}, "rubric_column must not also be a likert column"),
        ({"rubric_column": -2}, "rubric_column must be a non-negative integer"),
    ],
)
def test_bad_dimension_names_the_field(kwargs, match):
    args = {"id": "d", "columns": (0, 1)} | kwargs
    with pytest.raises(ValueError, match=match):
        DimensionSpec(**args)


def test_columns_out_of_range_and_overlap():
    spec = InstrumentSpec(_dims())
    with pytest.raises(ValueError, match=r"values has 6 columns .* column 6"):
        spec.check_columns(6)
    spec.check_columns(7)
    clash = InstrumentSpec((DimensionSpec("a", (0, 1), rubric_column=2),
                            DimensionSpec("b", (2, 3))))
    with pytest.raises(ValueError, match=r"columns \[2\] are used both"):
        clash.check_columns(4)


def test_spec_is_frozen():
    spec = InstrumentSpec(_dims())
    with pytest.raises(AttributeError):
        spec.min_n = 3


def test_defaults_are_the_questionnaire_formats():
    # one definition, in the definitions package, for the file format and the scoring
    from assess.definitions import model
    from assess.scoring import instrument

    spec = InstrumentSpec(_dims())
    assert spec.level_cuts == model.DEFAULT_LEVEL_CUTS
    assert spec.rubric_quorum == model.DEFAULT_RUBRIC_QUORUM
    assert (spec.min_n, spec.min_n_comments, spec.min_n_spread) == (
        model.DEFAULT_MIN_N, model.DEFAULT_MIN_N_COMMENTS, model.DEFAULT_MIN_N_SPREAD)
    assert instrument.ORIENTATIONS is model.ORIENTATIONS == ("pmo", "apo", "neutral")
    assert instrument.MIN_N_FLOOR == model.MIN_N_FLOOR == 3
    anonymity = model.Anonymity()
    assert (anonymity.min_n, anonymity.min_n_comments, anonymity.min_n_spread) == (5, 10, 5)
