"""Packed answer storage: one signed byte per answer item, in ``Questionnaire.answer_columns``.

Pure (NumPy only). A response's scored answers are stored as ``len(answer_columns)`` bytes;
a campaign of 100,000 responses decodes to a matrix with one ``np.frombuffer`` call.
Scale values are small integers (scales have at most 11 points, within -100..100), so two
byte values below that range serve as markers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

NO_ANSWER = -128
DONT_KNOW = -127
DONT_KNOW_VALUE = "dk"  # how "don't know" is spelled in answer mappings and forms

Answer = int | str  # an integer scale value, or DONT_KNOW_VALUE


def encode(item_ids: Sequence[str], answers: Mapping[str, Answer]) -> bytes:
    """Pack ``{item_id: value or "dk"}`` into bytes in ``item_ids`` order.

    Items without an answer are stored as NO_ANSWER. Values must already be validated
    against their scale; anything else raises ``ValueError``.
    """
    codes = np.full(len(item_ids), NO_ANSWER, dtype=np.int8)
    index = {item_id: i for i, item_id in enumerate(item_ids)}
    for item_id, value in answers.items():
        if item_id not in index:
            raise ValueError(f"answers: unknown item id {item_id!r}")
        if value == DONT_KNOW_VALUE:
            codes[index[item_id]] = DONT_KNOW
        elif isinstance(value, int) and not isinstance(value, bool) and -100 <= value <= 100:
            codes[index[item_id]] = value
        else:
            raise ValueError(f"answers[{item_id!r}]: expected an integer scale value or "
                             f"{DONT_KNOW_VALUE!r}, got {value!r}")
    return codes.tobytes()


def decode(item_ids: Sequence[str], blob: bytes) -> dict[str, Answer]:
    """Unpack one response into ``{item_id: value or "dk"}`` (unanswered items left out)."""
    codes = _codes(blob, len(item_ids))
    answers: dict[str, Answer] = {}
    for item_id, code in zip(item_ids, codes.tolist(), strict=True):
        if code == DONT_KNOW:
            answers[item_id] = DONT_KNOW_VALUE
        elif code != NO_ANSWER:
            answers[item_id] = int(code)
    return answers


def to_matrix(blobs: Sequence[bytes], n_items: int) -> tuple[np.ndarray, np.ndarray]:
    """Decode many responses at once.

    Returns ``(values, dont_know)``: a float matrix (respondents x items) with NaN for
    unanswered and "don't know" answers, and a boolean matrix marking "don't know".
    """
    if n_items <= 0:
        raise ValueError(f"n_items: expected a positive count, got {n_items}")
    full = [b if len(b) == n_items else _codes(b, n_items).tobytes() for b in blobs]
    codes = np.frombuffer(b"".join(full), dtype=np.int8).reshape(len(full), n_items)
    values = codes.astype(np.float64)
    missing = codes <= DONT_KNOW  # both markers are below every scale value
    values[missing] = np.nan
    return values, codes == DONT_KNOW


def _codes(blob: bytes, n_items: int) -> np.ndarray:
    # A draft started before any answer has an empty value; anything else of the wrong length
    # means the version changed under it, which the frozen versions rule out.
    if not blob:
        return np.full(n_items, NO_ANSWER, dtype=np.int8)
    if len(blob) != n_items:
        raise ValueError(f"blob: expected {n_items} bytes, got {len(blob)}")
    return np.frombuffer(blob, dtype=np.int8)
