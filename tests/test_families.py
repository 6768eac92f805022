"""The conformance suite: every registered family against the family contract (amsim.family, docs/architecture.md).

It runs over whatever is registered, so a new family is checked the day it registers: its kernel twins, its
model's construction, randomness, verbs and result type, its experiments' declarations and their identical
results on the numpy and cpu backends, its protocol parameters, and the layering of the import graph.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import json
import tracemalloc

import numpy as np
import pytest
import xarray as xr
from conftest import ROOT

import amsim
from amsim import patterns, registry
from amsim.exceptions import AmsimError, UnknownNameError, ValidationError
from amsim.family import PROTOCOL, Model, Recall, no_protocol_check
from amsim.io import REQUIRED_ATTRS, unlabelled
from amsim.params import Params, param

FAMILIES = [f for f in registry.families() if f.params.__module__.startswith("amsim.families.")]
EXPERIMENTS = [e for e in registry.experiments() if e.family in FAMILIES]
KERNEL_PACKAGES = ["amsim.kernels", *(f.kernels for f in FAMILIES)]
TWINS = ("reference", "_cpu", "_cuda")
#: Float variables of an experiment may differ between backends by rounding (e.g. a BLAS sum against a loop);
#: everything else (integers, booleans, ±1 states and what is computed from them exactly) must be identical.
FLOAT_RTOL = 1e-12


def _public_functions(module_name: str) -> dict[str, list[str]]:
    """Public kernels of a twin: callables defined in that module (njit dispatchers by their Python function),
    name -> parameter names."""
    module = importlib.import_module(module_name)
    found = {}
    for name, obj in vars(module).items():
        func = getattr(obj, "py_func", obj)
        if name.startswith("_") or not inspect.isfunction(func) or func.__module__ != module.__name__:
            continue
        found[name] = list(inspect.signature(func).parameters)
    return found


MODELS = [(fam, model) for fam in FAMILIES for model in fam.models]


def test_every_built_in_family_declares_models_and_kernels():
    assert {f.name for f in FAMILIES} >= {"hopfield", "sdm"}
    for fam in FAMILIES:
        assert fam.models and fam.kernels is not None, fam.name
        for model in fam.models:
            assert issubclass(model, Model), (fam.name, model)
            assert model.params_class is fam.params and model.kernel_package == fam.kernels, (fam.name, model)
            assert model.items in ("spins", "bits", "reals"), (fam.name, model)


@pytest.mark.parametrize("package", KERNEL_PACKAGES)
def test_kernel_twins_have_the_same_names_and_signatures(package):
    pytest.importorskip("numba.cuda")
    twins = {twin: _public_functions(f"{package}.{twin}") for twin in TWINS}
    reference = twins["reference"]
    assert reference, f"{package}.reference defines no kernel"
    for twin in ("_cpu", "_cuda"):
        assert sorted(twins[twin]) == sorted(reference), (package, twin)
        for name, parameters in reference.items():
            assert twins[twin][name] == parameters, (package, twin, name)


@pytest.mark.parametrize("exp", EXPERIMENTS, ids=lambda e: e.name)
def test_experiment_declarations(exp):
    fields = exp.family.params.constraints()
    assert callable(exp.memory) and callable(exp.check)
    assert exp.summary, f"{exp.name}: the docstring's first line is its summary"
    assert set(exp.ignores) <= set(fields) and not set(exp.ignores) & set(exp.example)
    p = exp.validate(exp.family.params.from_dict(exp.example))
    assert exp.memory(p, 2) > 0


def _comparable(ds: xr.Dataset) -> xr.Dataset:
    return ds.drop_attrs() if hasattr(ds, "drop_attrs") else ds.assign_attrs({})


@pytest.mark.parametrize("exp", EXPERIMENTS, ids=lambda e: e.name)
def test_example_is_labelled_and_identical_on_numpy_and_cpu(exp):
    runs = {}
    for backend in ("numpy", "cpu"):
        tracemalloc.start()
        runs[backend] = amsim.run(exp.name, exp.example, trials=2, seed=5, backend=backend)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        if backend == "numpy":  # the reference allocates through NumPy, which tracemalloc sees
            assert exp.memory(exp.family.params.from_dict(exp.example), 2) >= peak, (exp.name, peak)
    ds = runs["cpu"]
    assert "trial" in ds.dims and ds.sizes["trial"] == 2
    assert unlabelled(ds) == []
    assert set(REQUIRED_ATTRS) <= set(ds.attrs)
    assert ds.attrs["experiment"] == exp.name and ds.attrs["family"] == exp.family.name
    assert json.loads(ds.attrs["params_json"]) == exp.family.params.from_dict(exp.example).to_dict()
    numpy_run, cpu_run = _comparable(runs["numpy"]), _comparable(ds)
    assert set(numpy_run.variables) == set(cpu_run.variables)
    for name in cpu_run.variables:
        a, b = numpy_run[name], cpu_run[name]
        assert a.dims == b.dims and a.attrs == b.attrs, name
        if a.dtype.kind == "f":
            np.testing.assert_allclose(a.values, b.values, rtol=FLOAT_RTOL, atol=0, err_msg=name)
        else:
            np.testing.assert_array_equal(a.values, b.values, err_msg=name)


def _items(kind: str, n_items: int, width: int, rng: np.random.Generator) -> np.ndarray:
    if kind == "reals":
        return rng.standard_normal((n_items, width))
    return patterns.random_patterns(n_items, width, rng) if kind == "spins" else \
        patterns.random_bits(n_items, width, rng)


def _cues(kind: str, items: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    if kind == "reals":
        return items + 0.05 * rng.standard_normal(items.shape)
    return patterns.corrupt(items, 0.05, rng) if kind == "spins" else patterns.flip_bits(items, 0.05, rng)


def _model_id(pair: tuple) -> str:
    return f"{pair[0].name}-{pair[1].__name__}"


@pytest.mark.parametrize("pair", MODELS, ids=_model_id)
def test_model_construction_does_no_work_and_validates(pair):
    fam, cls = pair
    model = cls()
    assert isinstance(model.params, fam.params)
    assert [k for k in vars(model) if k.endswith("_")] == [], "learned state must appear only when used"
    first = next(iter(fam.params.constraints()))
    with pytest.raises(UnknownNameError, match=rf"^{cls.__name__}: unknown parameter 'no_such_setting'"):
        cls(no_such_setting=1)
    with pytest.raises(ValidationError, match=rf"^{fam.params.__name__}\.{first}: "):
        cls(**{first: "not a value"})
    with pytest.raises(ValidationError, match=rf"^{cls.__name__}: params must be a {fam.params.__name__}"):
        cls(object())


@pytest.mark.parametrize("pair", MODELS, ids=_model_id)
def test_model_store_and_recall_follow_the_contract(pair):
    fam, cls = pair
    example = next(e.example for e in EXPERIMENTS if e.family is fam)
    p = fam.params.from_dict(example)
    recalled = {}
    for backend in ("numpy", "cpu"):
        model = cls(p, backend=backend, random_state=7)
        rng = np.random.default_rng(3)
        items = _items(cls.items, 3, model.width, rng)
        assert model.store(items) is model
        assert isinstance(model.rng_, np.random.Generator) and model.backend_ == backend
        result = model.recall(_cues(cls.items, items, rng))
        assert isinstance(result, Recall)
        assert result.states.shape == (3, model.width) and result.states.dtype == items.dtype
        assert result.steps.shape == (3,) and result.steps.dtype == np.int32
        assert result.converged.shape == (3,) and result.converged.dtype == np.bool_
        recalled[backend] = result
    for name in ("states", "steps", "converged"):
        a, b = getattr(recalled["numpy"], name), getattr(recalled["cpu"], name)
        if a.dtype.kind == "f":
            np.testing.assert_allclose(a, b, rtol=FLOAT_RTOL * 1e3, err_msg=name)  # iterated float updates
        else:
            np.testing.assert_array_equal(a, b, err_msg=name)
    # a Generator given as random_state is the model's own: the caller's stream continues through it
    generator = np.random.default_rng(11)
    assert cls(p, random_state=generator).rng_ is generator


@pytest.mark.parametrize("fam", FAMILIES, ids=lambda f: f.name)
def test_protocol_parameters_have_one_name_and_one_meaning(fam):
    declared = fam.params.constraints()
    for name, rule in PROTOCOL.items():
        assert name in declared, (fam.name, name)
        _, constraint = declared[name]
        assert constraint.doc == rule["doc"], (fam.name, name)
        assert constraint.describe() == param(0, **rule).metadata["constraint"].describe(), (fam.name, name)


def test_a_name_registered_twice_is_refused(monkeypatch):
    for table in ("_FAMILIES", "_EXPERIMENTS", "_THEORIES"):
        monkeypatch.setattr(registry, table, dict(getattr(registry, table)))

    @dataclasses.dataclass(frozen=True)
    class TwiceParams(Params):
        x: int = param(0, "x")

    registry.register_family("twice", TwiceParams, "a family registered twice")
    with pytest.raises(AmsimError, match="family: 'twice' is registered already"):
        registry.register_family("twice", TwiceParams, "again")
    with pytest.raises(AmsimError, match="experiment: 'hopfield.retrieval' is registered already"):
        registry.register_experiment("hopfield.retrieval", memory=lambda p, t: 1, check=no_protocol_check,
                                     example={})(lambda p, **kw: None)
    with pytest.raises(AmsimError, match="theory: 'hopfield-rs' is registered already"):
        registry.theory("hopfield-rs")
        registry.register_theory("hopfield-rs", ("load",))(lambda load: None)
    with pytest.raises(UnknownNameError, match="experiment twice.run: unknown parameter 'y'"):
        registry.register_experiment("twice.run", memory=lambda p, t: 1, check=no_protocol_check,
                                     example={"y": 1})


# ------------------------------------------------------------------------------------------------------------
# Layering (DESIGN house rule 11): no circles; params, models and kernels never import theory; no family imports
# another family.
# ------------------------------------------------------------------------------------------------------------


def _import_graph() -> dict[str, set[str]]:
    """Module -> the amsim modules it imports anywhere in its source (lazy imports count too)."""
    modules = {}
    for path in (ROOT / "amsim").rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path

    def owner(name: str) -> str:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name

    graph = {}
    for name, path in modules.items():
        deps = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                deps |= {owner(a.name) for a in node.names if a.name.startswith("amsim")}
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("amsim"):
                subs = [f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in modules]
                deps |= set(subs)
                if len(subs) < len(node.names):  # names from the module itself, not only its submodules
                    deps.add(owner(node.module))
        graph[name] = deps - {name, ""}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_import_graph_has_no_circles():
    assert _cycles(_import_graph()) == []


def test_params_models_and_kernels_never_import_theory_and_families_stay_apart():
    graph = _import_graph()
    lower = [m for m in graph if m in ("amsim.family", "amsim.patterns") or m.startswith("amsim.kernels")
             or (m.startswith("amsim.families.") and m.rsplit(".", 1)[-1] in ("params", "model", *TWINS))]
    assert lower
    for module in lower:
        assert not [d for d in graph[module] if d.startswith("amsim.theory")], module
    for module, deps in graph.items():
        if module.startswith("amsim.families."):
            home = module.split(".")[2]
            others = {d.split(".")[2] for d in deps if d.startswith("amsim.families.") and d.count(".") >= 2}
            assert others <= {home}, (module, others)


def test_the_architecture_document_names_every_family_and_contract_verb():
    text = (ROOT / "docs" / "architecture.md").read_text()
    for word in ("random_state", "store", "recall", "Recall", "no_protocol_check", *PROTOCOL,
                 *(f.name for f in FAMILIES)):
        assert word in text, word
    assert "docs/architecture.md" in (ROOT / "README.md").read_text()

