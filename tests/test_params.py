"""Params validation, the registry's did-you-mean errors, seeding and cards."""

from __future__ import annotations

import numpy as np
import pytest

from amsim import registry
from amsim.cards import list_cards, load_card
from amsim.exceptions import UnknownNameError, ValidationError
from amsim.families.hopfield import HopfieldParams
from amsim.seeding import coordinate_key, task_rng


def test_defaults_are_valid_and_frozen():
    p = HopfieldParams()
    assert p.n_patterns == 50
    with pytest.raises(AttributeError):
        p.n_neurons = 3  # type: ignore[misc]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("n_neurons", 1, "HopfieldParams.n_neurons: must be >= 2 (got 1)"),
    ("n_neurons", 2.5, "HopfieldParams.n_neurons: must be an integer (got 2.5)"),
    ("n_neurons", True, "HopfieldParams.n_neurons: must be an integer (got True)"),
    ("load", 0.0, "HopfieldParams.load: must be > 0 (got 0.0)"),
    ("load", "high", "HopfieldParams.load: must be a number (got 'high')"),
    ("noise", 1.5, "HopfieldParams.noise: must be <= 1 (got 1.5)"),
    ("update", "parallel", "HopfieldParams.update: must be one of 'async', 'sync', 'glauber'"),
    ("temperature", 0.5, "HopfieldParams.temperature: must be 0 with update='async'"),
])
def test_invalid_values_name_class_field_rule_and_value(field, value, message):
    with pytest.raises(ValidationError) as err:
        HopfieldParams(**{field: value})
    assert str(err.value).startswith(message)
    assert str(err.value).endswith(f"(got {value!r})")


def test_glauber_needs_positive_temperature():
    with pytest.raises(ValidationError, match="temperature: must be > 0 with update='glauber'"):
        HopfieldParams(update="glauber")
    assert HopfieldParams(update="glauber", temperature=0.3).temperature == 0.3


def test_integer_valued_float_is_coerced():
    p = HopfieldParams(n_neurons=500.0, load=1)
    assert p.n_neurons == 500 and isinstance(p.n_neurons, int) and isinstance(p.load, float)


def test_unknown_parameter_suggests_the_closest():
    with pytest.raises(UnknownNameError, match="unknown parameter 'n_neuron'.*did you mean 'n_neurons'"):
        HopfieldParams.from_dict({"n_neuron": 10})


def test_registry_suggests_names():
    assert registry.experiment("hopfield.retrieval").family.params is HopfieldParams
    with pytest.raises(UnknownNameError, match="did you mean 'hopfield.retrieval'"):
        registry.experiment("hopfield.retreival")
    with pytest.raises(UnknownNameError, match="did you mean 'hopfield-rs'"):
        registry.theory("hopfield_rs")


def test_task_seed_depends_on_coordinates_not_order():
    a = task_rng(7, {"load": 0.1, "n_neurons": 500}).random(4)
    b = task_rng(7, {"n_neurons": 500, "load": 0.1}).random(4)
    c = task_rng(7, {"n_neurons": 500, "load": 0.12}).random(4)
    d = task_rng(8, {"n_neurons": 500, "load": 0.1}).random(4)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c) and not np.allclose(a, d)
    # NumPy integers and Python integers are the same coordinate
    assert coordinate_key({"n": np.int64(3)}) == coordinate_key({"n": 3})


def test_every_card_is_valid(in_tmp):
    cards = list_cards()
    assert {c.name for c in cards} >= {"hopfield/ags1985", "hopfield/hopfield1982"}
    for card in cards:
        load_card(card.path).build()
    assert load_card("hopfield/ags1985").expect["alpha_c"] == pytest.approx(0.138)


def test_bad_card_fails_with_file_and_key(in_tmp):
    bad = in_tmp / "bad.toml"
    bad.write_text('family = "hopfield"\n[params]\nn_neurons = 1\n')
    with pytest.raises(ValidationError, match=r"n_neurons: must be >= 2 \(got 1\)"):
        load_card(bad)
    bad.write_text('family = "hopfeld"\n')
    with pytest.raises(UnknownNameError, match="did you mean 'hopfield'"):
        load_card(bad)
