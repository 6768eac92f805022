"""Names users relied on before the family contract still work, with a DeprecationWarning, and give the numbers
of their replacements."""

from __future__ import annotations

import importlib
import sys

import numpy as np
import pytest

import amsim
from amsim.families.hopfield import HopfieldNetwork, HopfieldParams
from amsim.family import Recall
from amsim.patterns import corrupt, random_patterns


def test_positional_size_retrieve_and_rng_give_the_recall_numbers():
    rng = np.random.default_rng(0)
    xi = random_patterns(30, 200, rng)
    cues = corrupt(xi[:6], 0.3, rng)
    new = HopfieldNetwork(n_neurons=200, backend="cpu", random_state=4).store(xi)
    expected = new.recall(cues, update="glauber", temperature=0.3, max_steps=7)
    with pytest.warns(DeprecationWarning, match=r"HopfieldNetwork\(n_neurons, \.\.\.\) is deprecated"):
        old = HopfieldNetwork(200, backend="cpu").store(xi)
    with pytest.warns(DeprecationWarning, match="HopfieldNetwork.retrieve is deprecated"):
        got = old.retrieve(cues, update="glauber", temperature=0.3, max_sweeps=7, rng=np.random.default_rng(4))
    assert isinstance(got, Recall)
    np.testing.assert_array_equal(got.states, expected.states)
    np.testing.assert_array_equal(got.steps, expected.steps)
    with pytest.warns(DeprecationWarning, match=r"thermal_average\(rng=\.\.\.\) is deprecated"):
        old.thermal_average(cues, temperature=0.5, burn_in=1, sweeps=1, rng=np.random.default_rng(1))


def test_former_names():
    with pytest.warns(DeprecationWarning, match="HopfieldParams.max_sweeps is deprecated; use max_steps"):
        assert HopfieldParams.from_dict({"max_sweeps": 7}).max_steps == 7
    with pytest.warns(DeprecationWarning, match="max_sweeps is deprecated"):
        ds = amsim.run("hopfield.retrieval", {"n_neurons": 100, "max_sweeps": 3}, trials=1, backend="numpy")
    assert '"max_steps": 3' in ds.attrs["params_json"]
    with pytest.raises(amsim.ValidationError, match="'max_sweeps' and 'max_steps' name the same parameter"), \
            pytest.warns(DeprecationWarning):
        HopfieldParams.from_dict({"max_sweeps": 7, "max_steps": 8})
    from amsim.families import hopfield

    with pytest.warns(DeprecationWarning, match="Retrieval is deprecated; use amsim.family.Recall"):
        assert hopfield.Retrieval is Recall
    with pytest.warns(DeprecationWarning, match="amsim.phase.plot_phase_diagram is deprecated"):
        from amsim.phase import plot_phase_diagram  # noqa: F401


@pytest.mark.parametrize("old", ["replica", "mixtures"])
def test_theory_modules_under_their_former_names(old):
    sys.modules.pop(f"amsim.theory.{old}", None)
    with pytest.warns(DeprecationWarning, match=f"amsim.theory.{old} is deprecated; import amsim.theory.hopfield_"):
        module = importlib.import_module(f"amsim.theory.{old}")
    current = importlib.import_module(f"amsim.theory.hopfield_{old}")
    assert all(getattr(module, name) is getattr(current, name) for name in current.__all__)
