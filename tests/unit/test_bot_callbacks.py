"""A button's data is read one way everywhere (`bot.callbacks.Tap`), and each prefix routes only its own buttons."""

from __future__ import annotations

import re

import pytest

from bot.callbacks import MAX_BYTES, Prefix, Tap, pack


def test_a_page_or_a_choice_may_be_zero_but_an_id_may_not() -> None:
    tap = Tap.parse("d:p:12:0")
    assert tap.prefix == "d" and tap.arg(0) == "p"
    assert tap.id(1) == 12 and tap.position(2) == 0
    assert tap.id(2) is None  # no record has id 0


@pytest.mark.parametrize("forged", ["-1", "²", "٣", "", "1e3", "0x1", "9" * 40])
def test_a_forged_number_on_a_button_reads_as_nothing(forged: str) -> None:
    tap = Tap.parse(f"n:abc:o:{forged}:{forged}")
    assert tap.id(2) is None and tap.position(3) is None


def test_a_missing_argument_reads_as_nothing_and_a_sub_handler_sees_only_its_own() -> None:
    tap = Tap.parse("o:5:7:set_terms:c:9")
    assert tap.arg(10) == "" and tap.id(10) is None and tap.position(10) is None
    rest = tap.after(3)
    assert rest.args == ("c", "9") and rest.id(1) == 9


def test_each_prefix_routes_only_its_own_buttons() -> None:
    assert re.match(Prefix.ORDER.pattern(), pack(Prefix.ORDER, 5, 7, "approve"))
    assert not re.match(Prefix.ORDER.pattern(), "oo:5")
    assert re.match(Prefix.REGISTRY.pattern("p"), "r:p:2") and re.match(Prefix.REGISTRY.pattern("x"), "r:x")
    assert not re.match(Prefix.REGISTRY.pattern("p"), "r:pp:2")
    assert not re.match(Prefix.REGISTRY.pattern("p"), "r:o:2")


def test_data_over_telegrams_limit_is_refused_when_the_button_is_made() -> None:
    with pytest.raises(ValueError):
        pack(Prefix.NEW, "x" * MAX_BYTES)
