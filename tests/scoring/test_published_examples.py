"""Reliability and ICC checked against examples published with their full data and output.

Each test reproduces one published example: the data are copied inline from the source, and
the expected values are the printed output of that source, compared to the digits it prints
(an absolute tolerance of half a unit in the last printed digit). Nothing here is computed by
hand. Examples already covered elsewhere (Shrout & Fleiss 1979, the StatsBase alpha example,
statpsych's Feldt interval) are not repeated.

No published example with its raw data was found for rwg, rwg(J), r*wg(J) or AD, nor for a
one-factor omega total; those stay checked by hand-worked values in test_agreement.py and
test_reliability.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from assess.scoring import (
    alpha_if_deleted,
    cronbach_alpha,
    icc1,
    icc2,
    item_rest_correlations,
)

# --- Denis (2021), SPSS RELIABILITY example ---------------------------------------------------
# Denis, D. J. (2021). Applied Univariate, Bivariate, and Multivariate Statistics (2nd ed.).
# Wiley. Section on Cronbach's alpha: ten respondents, five items, run as
#   RELIABILITY /VARIABLES=Item_1 Item_2 Item_3 Item_4 Item_5 /SCALE('ALL VARIABLES') ALL
#     /MODEL=ALPHA /STATISTICS=DESCRIPTIVE SCALE CORR /SUMMARY=TOTAL.
# Printed output: Cronbach's Alpha 0.633; Item-Total Statistics, "Corrected Item-Total
# Correlation" 0.712 0.558 0.512 0.796 -0.228 and "Cronbach's Alpha if Item Deleted"
# 0.478 0.476 0.507 0.445 0.824; after dropping Item_5, alpha 0.824 (4 items).
DENIS = np.array(
    [
        [10.0, 12.0, 15.0, 11.0, 12.0],
        [12.0, 18.0, 12.0, 12.0, 1.0],
        [8.0, 16.0, 14.0, 14.0, 4.0],
        [6.0, 8.0, 16.0, 8.0, 6.0],
        [4.0, 7.0, 8.0, 7.0, 5.0],
        [6.0, 6.0, 3.0, 7.0, 3.0],
        [3.0, 4.0, 6.0, 5.0, 8.0],
        [7.0, 3.0, 7.0, 9.0, 9.0],
        [8.0, 9.0, 4.0, 10.0, 10.0],
        [9.0, 5.0, 6.0, 11.0, 12.0],
    ]
)


def test_alpha_reproduces_denis_spss_example():
    result = cronbach_alpha(DENIS)
    assert result.alpha == pytest.approx(0.633, abs=5e-4)
    assert (result.n, result.k) == (10, 5)


def test_alpha_if_deleted_reproduces_denis_spss_example():
    expected = [0.478, 0.476, 0.507, 0.445, 0.824]
    assert alpha_if_deleted(DENIS) == pytest.approx(expected, abs=5e-4)
    assert alpha_if_deleted(DENIS, missing="listwise") == pytest.approx(expected, abs=5e-4)


def test_item_rest_correlations_reproduce_denis_spss_example():
    # SPSS "Corrected Item-Total Correlation" is the item-rest correlation.
    expected = [0.712, 0.558, 0.512, 0.796, -0.228]
    assert item_rest_correlations(DENIS) == pytest.approx(expected, abs=5e-4)


def test_alpha_without_item_5_reproduces_denis_spss_example():
    # Denis reruns RELIABILITY on Item_1..Item_4 and prints Cronbach's Alpha 0.824.
    assert cronbach_alpha(DENIS[:, :4]).alpha == pytest.approx(0.824, abs=5e-4)


# --- Pingouin's cronbach_alpha docstring example ------------------------------------------------
# raphaelvallat/pingouin, pingouin/reliability.py, cronbach_alpha docstring (tested against
# psych): data = pg.read_dataset('cronbach_alpha') (pingouin/datasets/cronbach_alpha.csv,
# long format Subj/Items/Scores, 15 subjects x items Q1..Q10), then
#   pg.cronbach_alpha(data=data, items='Items', scores='Scores', subject='Subj')
#   (0.5917188485995826, array([0.195, 0.84 ]))
# The interval is Feldt's, 1 - (1 - alpha) * F(n - 1, (n - 1)(k - 1)) quantiles, rounded to 3
# decimals. Rows are subjects 0..14, columns Q1..Q10.
PINGOUIN_ALPHA = np.array(
    [
        [3, 2, 4, 1, 4, 5, 1, 4, 3, 2],
        [5, 4, 6, 3, 5, 1, 2, 5, 5, 5],
        [7, 3, 5, 5, 6, 4, 3, 3, 6, 5],
        [2, 4, 3, 3, 2, 2, 2, 6, 6, 3],
        [6, 5, 6, 5, 4, 4, 4, 6, 7, 5],
        [1, 2, 3, 4, 2, 5, 2, 3, 5, 2],
        [4, 3, 5, 3, 5, 2, 1, 2, 4, 3],
        [2, 4, 4, 3, 7, 2, 2, 4, 6, 5],
        [6, 5, 5, 5, 1, 6, 5, 2, 3, 2],
        [5, 4, 6, 4, 3, 5, 3, 1, 7, 2],
        [4, 3, 5, 2, 5, 3, 2, 3, 4, 1],
        [4, 2, 3, 2, 5, 3, 4, 2, 3, 4],
        [5, 5, 6, 2, 3, 3, 2, 4, 4, 5],
        [6, 5, 5, 4, 2, 2, 1, 4, 6, 5],
        [4, 3, 5, 5, 3, 1, 3, 2, 3, 4],
    ],
    dtype=float,
)


def test_alpha_and_feldt_interval_reproduce_pingouin_example():
    result = cronbach_alpha(PINGOUIN_ALPHA)
    # Printed with 16 significant digits; allow for floating-point summation order.
    assert result.alpha == pytest.approx(0.5917188485995826, abs=1e-12)
    assert (result.n, result.k) == (15, 10)
    assert result.ci_low == pytest.approx(0.195, abs=5e-4)
    assert result.ci_high == pytest.approx(0.840, abs=5e-4)


# --- Pingouin's intraclass_corr docstring example ------------------------------------------------
# raphaelvallat/pingouin, pingouin/reliability.py, intraclass_corr docstring ("ICCs of wine
# quality assessed by 4 judges", tested against psych::ICC): data = pg.read_dataset('icc')
# (pingouin/datasets/icc.csv, 8 wines x judges A..D), then
#   pg.intraclass_corr(data=data, targets='Wine', raters='Judge', ratings='Scores').round(3)
#   ICC1   Single raters absolute   0.728  F 11.680  df 7, 24
#   ICC1k  Average raters absolute  0.914  F 11.680  df 7, 24
# ICC1 and ICC1k are Shrout & Fleiss's one-way ICC(1,1) and ICC(1,k); with the wines as groups
# and equal group sizes they are multilevel's ICC1 and ICC2. Rows are wines 1..8, columns
# judges A..D.
WINE = np.array(
    [
        [1.0, 2.0, 0.0, 1.0],
        [1.0, 3.0, 3.0, 2.0],
        [3.0, 8.0, 1.0, 4.0],
        [6.0, 4.0, 3.0, 3.0],
        [6.0, 5.0, 5.0, 6.0],
        [7.0, 5.0, 6.0, 2.0],
        [8.0, 7.0, 7.0, 9.0],
        [9.0, 9.0, 9.0, 8.0],
    ]
)


def test_icc_reproduces_pingouin_wine_example():
    scores = WINE.ravel()
    wines = np.repeat(np.arange(1, 9), 4)
    assert icc1(scores, wines) == pytest.approx(0.728, abs=5e-4)
    assert icc2(scores, wines) == pytest.approx(0.914, abs=5e-4)


# --- easystats performance::cronbachs_alpha example on mtcars ----------------------------------
# easystats/performance, reference page cronbachs_alpha
# (https://easystats.github.io/performance/reference/cronbachs_alpha.html) and
# tests/testthat/test-cronbachs_alpha.R:
#   data(mtcars); x <- mtcars[, c("cyl", "gear", "carb", "hp")]; cronbachs_alpha(x)
#   #> [1] 0.09463206
# The columns below are R's built-in mtcars (Henderson & Velleman 1981) in row order
# (Mazda RX4 ... Volvo 142E), as written by write.csv, e.g. ChrisBeaumont/mplfacet mtcars.csv.
MTCARS_CYL = [6, 6, 4, 6, 8, 6, 8, 4, 4, 6, 6, 8, 8, 8, 8, 8, 8, 4, 4, 4, 4, 8, 8, 8, 8, 4, 4, 4,
              8, 6, 8, 4]  # fmt: skip
MTCARS_GEAR = [4, 4, 4, 3, 3, 3, 3, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 4, 4, 4, 3, 3, 3, 3, 3, 4, 5,
               5, 5, 5, 5, 4]  # fmt: skip
MTCARS_CARB = [4, 4, 1, 1, 2, 1, 4, 2, 2, 4, 4, 3, 3, 3, 4, 4, 4, 1, 2, 1, 1, 2, 2, 4, 2, 1, 2,
               2, 4, 6, 8, 2]  # fmt: skip
MTCARS_HP = [110, 110, 93, 110, 175, 105, 245, 62, 95, 123, 123, 180, 180, 180, 205, 215, 230,
             66, 52, 65, 97, 150, 150, 245, 175, 66, 91, 113, 264, 175, 335, 109]  # fmt: skip


def test_alpha_reproduces_performance_mtcars_example():
    x = np.column_stack([MTCARS_CYL, MTCARS_GEAR, MTCARS_CARB, MTCARS_HP]).astype(float)
    assert x.shape == (32, 4)
    assert cronbach_alpha(x).alpha == pytest.approx(0.09463206, abs=5e-9)
