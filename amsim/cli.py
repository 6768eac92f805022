"""The ``amsim`` command line: each command parses its options and delegates; nothing scientific lives here.

Errors the user can fix print one line ``error: <where>: <what> (got <value>; allowed <...>)`` and exit with
status 2, without a traceback and without writing anything. Every output follows one rule
(:func:`amsim.io.prepare_output`): its suffix fits its format, a folder gets the default name, and an existing
file is replaced only with ``--overwrite``.
"""

from __future__ import annotations

import difflib
import inspect
import math
import re
import shutil
import sys
import textwrap
from pathlib import Path
from typing import Any

import click
import numpy as np

from amsim.exceptions import AmsimError, ValidationError

BACKEND = click.option("--backend", default="auto", show_default=True,
                       type=click.Choice(["auto", "numpy", "cpu", "cuda"]),
                       help="Compute engine: numpy (reference), cpu (Numba), cuda (GPU); auto picks cuda if a GPU "
                            "is present, else cpu.")
QUIET = click.option("--quiet", "-q", is_flag=True, help="No progress bar or chatter; print only the output paths.")
OVERWRITE = click.option("--overwrite", is_flag=True, help="Replace the output if it exists.")
SAMPLE_DIMS = ("trial", "cue")
# a number as TOML reads it, but only in decimal: 0x10, 0o17 and 0b11 are TOML integers nobody means on a command line
NON_DECIMAL = re.compile(r"\s*[+-]?0([xX][0-9a-fA-F_]+|[oO][0-7_]+|[bB][01_]+)\s*")
NUMBER = re.compile(r"\s*[+-]?(\d[\d_]*)?(\.\d+)?([eE][+-]?\d+)?\s*")


class Group(click.Group):
    """A click group that suggests the closest command for a misspelt one."""

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
            hint = f"did you mean {close[0]!r}?" if close else "allowed: " + ", ".join(self.list_commands(ctx))
            raise click.UsageError(f"command: unknown command {name!r} ({hint})")
        return super().resolve_command(ctx, args)


def parse_value(text: str, where: str) -> Any:
    """A command-line value read as TOML (``500`` an integer, ``0.1`` a number, ``true`` a boolean, ``[1, 2]`` a
    list), else taken as a plain string; integers in hexadecimal, octal or binary are refused."""
    from amsim.cards import tomllib

    if NON_DECIMAL.fullmatch(text):
        raise ValidationError(f"{where}: numbers must be decimal (got {text!r}; e.g. 16, 0.5 or 1e3)")
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def parse_assignments(pairs: tuple[str, ...], where: str) -> dict[str, Any]:
    """``("n_neurons=500", "update=sync")`` -> ``{"n_neurons": 500, "update": "sync"}`` (see :func:`parse_value`);
    a name given twice is refused."""
    values: dict[str, Any] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ValidationError(f"{where}: expected NAME=VALUE (got {pair!r}; e.g. n_neurons=500)")
        if name in values:
            raise ValidationError(f"{where}: {name} is given twice (got {name}={values[name]!r} and {pair!r}; "
                                  "allowed: one value each)")
        values[name] = parse_value(text, f"{where}: {name}")
    return values


def parse_grid(text: str, where: str) -> Any:
    """``"0.01:0.2:96"`` -> ``{"start": 0.01, "stop": 0.2, "num": 96}``; ``"0.05,0.1"`` -> ``[0.05, 0.1]``;
    ``"hamming,selected"`` -> a list of strings. Numbers must be decimal; a range's three parts must be numbers."""

    def number(t: str) -> Any:
        if NON_DECIMAL.fullmatch(t):
            raise ValidationError(f"{where}: numbers must be decimal (got {t!r}; e.g. 16, 0.5 or 1e3)")
        if not t or not NUMBER.fullmatch(t) or not any(c.isdigit() for c in t):
            return t
        return int(t.replace("_", "")) if re.fullmatch(r"\s*[+-]?[\d_]+\s*", t) else float(t.replace("_", ""))

    parts = [p.strip() for p in text.split(":")]
    if len(parts) == 3:
        values = [number(p) for p in parts]
        if any(isinstance(v, str) for v in values):
            raise ValidationError(f"{where}: a range is START:STOP:NUM, three numbers (got {text!r})")
        return dict(zip(("start", "stop", "num"), values, strict=True))
    if len(parts) != 1:
        raise ValidationError(f"{where}: expected START:STOP:NUM or V1,V2,... (got {text!r})")
    return [number(t.strip()) for t in text.split(",") if t.strip()]


def parse_bytes(text: str, where: str) -> int:
    """``"4GB"`` -> 4e9, ``"512MiB"`` -> 512 * 2**20, ``"1000"`` -> 1000 bytes."""
    units = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
             "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}
    match = re.fullmatch(r"\s*(-?[0-9.]+)\s*([a-zA-Z]*)\s*", text)
    try:
        value = float(match.group(1)) * units[match.group(2).upper()]  # type: ignore[union-attr]
    except (AttributeError, ValueError, KeyError):
        raise ValidationError(f"{where}: must be a size such as 4GB or 512MiB (got {text!r})") from None
    if not 0 < value < 2**63:
        raise ValidationError(f"{where}: must be > 0 and below 8 EiB (got {text!r})")
    return int(value)


def _print_paths(**paths: Path) -> None:
    for kind, path in paths.items():
        click.echo(f"{kind}: {path}")


def _wrap(text: str, indent: int = 0, first: int | None = None) -> str:
    """``text`` (line breaks become spaces; padding kept) wrapped to the terminal (``COLUMNS``, default 100), later
    lines indented by ``indent``."""
    width = max(40, shutil.get_terminal_size((100, 24)).columns)
    lead = " " * (indent if first is None else first)
    return textwrap.fill(re.sub(r"\s*\n\s*", " ", text.rstrip()), width, initial_indent=lead,
                         subsequent_indent=" " * indent)


def _description(doc: str) -> list[str]:
    """The paragraphs of a docstring after its summary line, up to its first NumPy section (Returns, ...)."""
    paragraphs = []
    for paragraph in doc.split("\n\n")[1:]:
        lines = paragraph.strip().splitlines()
        if len(lines) > 1 and set(lines[1].strip()) == {"-"}:
            break
        paragraphs.append(paragraph)
    return paragraphs


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="amsim", prog_name="amsim")
def cli() -> None:
    """amsim: simulate associative memories (Hopfield networks and more) and compare them with theory.

    \b
    Start here:
      amsim demo                        a network restores letters from noisy copies
      amsim demo --list                 picture demos: letters, capacity, sdm, dense, dendrites, sparsey
      amsim studies                     the studies in analysis/, each with its claim and run time
      amsim models                      model cards (published configurations)
      amsim experiments                 what can be run, with every parameter
      amsim run hopfield.retrieval n_neurons=500 load=0.1
      amsim sweep analysis/hopfield-capacity --dry-run
      amsim sweep analysis/hopfield-capacity
      amsim plot results/hopfield-capacity.nc
    """


@cli.command()
@click.argument("name", required=False)
def models(name: str | None) -> None:
    """List the model cards (presets of published or classroom configurations), or show card NAME.

    \b
    Examples:
      amsim models
      amsim models hopfield/ags1985
    """
    from amsim.cards import describe_card, list_cards, load_card, models_dir

    if name is not None:
        for line in describe_card(load_card(name)):
            click.echo(_wrap(line, indent=len(line) - len(line.lstrip()) + 4, first=0))
        return
    cards = list_cards()
    if not cards:
        click.echo(f"no cards under {models_dir()}")
    for card in cards:
        click.echo(_wrap(f"{card.name:28s} {card.family:10s} {card.title}", indent=40, first=0))


@cli.command()
@click.argument("name", required=False)
def experiments(name: str | None) -> None:
    """List the experiments and their parameters (defaults and allowed values), wrapped to the terminal.

    \b
    Examples:
      amsim experiments
      amsim experiments hopfield.retrieval      one experiment, with its full description
    """
    from amsim import registry

    chosen = [registry.experiment(name)] if name else registry.experiments()
    for exp in chosen:
        click.echo(_wrap(f"{exp.name}: {exp.summary}", indent=4, first=0))
        if name:
            for paragraph in _description(inspect.getdoc(exp.fn) or ""):
                click.echo(_wrap(paragraph, indent=4, first=4))
        fields = exp.family.params.constraints()
        ignores = set(exp.ignores)
        width = max(map(len, fields))  # one column for the longest name
        for field, (default, rule) in fields.items():
            units = "" if rule.units == "1" else f" [{rule.units}]"
            unused = " Not used by this experiment." if field in ignores else ""
            click.echo(_wrap(f"{field:{width}s}  {rule.doc}{units}; default {default!r}; {rule.describe()}.{unused}",
                             indent=width + 6, first=4))
        example = exp.example
        if name and example:
            click.echo(_wrap("example: amsim run " + exp.name + " "
                             + " ".join(f"{k}={v}" for k, v in example.items()), indent=4, first=0))


@cli.command()
def studies() -> None:
    """List the studies in analysis/: each one's claim, its grid, and how long it takes.

    \b
    Examples:
      amsim studies
      amsim sweep analysis/sdm-recall --dry-run      tasks, memory and time of one of them
      amsim sweep analysis/sdm-recall
    """
    from amsim.sweep.spec import load_study, studies_dir, study_files

    files = study_files()
    if not files:
        click.echo(f"no studies under {studies_dir()}")
    for path in files:
        try:
            st = load_study(path)
        except AmsimError as exc:
            click.echo(_wrap(f"{path.parent.name}: cannot be loaded ({exc})", indent=4, first=0))
            continue
        shape = " x ".join(f"{len(v)} {k}" for k, v in st.axes.items()) or "one point"
        click.echo(f"{st.name}  ({st.experiment}, {shape}, {st.trials} trials; {st.runtime or 'run time not stated'})")
        click.echo(_wrap(st.claim or st.title, indent=4, first=4))


def _settings(values: dict[str, Any], trials: int | None, seed: int | None) -> dict[str, Any]:
    """The settings that name a default output: those given, and trials and seed when not the defaults."""
    extra = {k: v for k, v in (("trials", trials), ("seed", seed)) if v is not None}
    return {**values, **extra}


@cli.command()
@click.argument("experiment")
@click.argument("assignments", nargs=-1, metavar="[NAME=VALUE]...")
@click.option("--card", help="Model card giving the base parameters (name as listed by `amsim models`, or a path).")
@click.option("--trials", type=int, help="Independent repetitions.  [default: 10]")
@click.option("--seed", type=int, help="Random seed (same seed, same numbers).  [default: 0]")
@click.option("--out", type=click.Path(),
              help="NetCDF file to write (or a folder for it) [default: results/<experiment>-<settings>.nc, "
                   "named from the settings given, so runs with other settings do not collide].")
@OVERWRITE
@BACKEND
@QUIET
def run(experiment: str, assignments: tuple[str, ...], card: str | None, trials: int | None, seed: int | None,
        out: str | None, overwrite: bool, backend: str, quiet: bool) -> None:
    """Run one EXPERIMENT once, with parameters given as NAME=VALUE, and save the dataset.

    Prints each variable's mean (with its standard error over trials and cues) and units.

    \b
    Examples:
      amsim run hopfield.retrieval n_neurons=500 load=0.1 noise=0.1 --trials 20
      amsim run hopfield.retrieval --card hopfield/hopfield1982 update=sync
      amsim run sdm.recall --card sdm/classroom n_stored=500 noise=0.1 --trials 10
    """
    from amsim.io import prepare_output, save_dataset, settings_name
    from amsim.runner import plan_run
    from amsim.summary import summarize

    values = parse_assignments(assignments, "run")
    plan = plan_run(experiment, values, card=card, trials=10 if trials is None else trials,
                    seed=0 if seed is None else seed, backend=backend)
    named = _settings({**({"card": card} if card else {}), **values}, trials, seed)
    path = prepare_output(out, Path("results") / f"{settings_name(plan.experiment, named)}.nc", overwrite=overwrite,
                          suffixes=(".nc",))
    ds = plan.execute()
    save_dataset(ds, path)
    if not quiet:
        for line in summarize(ds):
            click.echo(line)
    _print_paths(dataset=path)


@cli.command()
@click.argument("study", type=click.Path(path_type=Path))
@click.option("--set", "settings", multiple=True, metavar="NAME=VALUE",
              help="Override a fixed parameter of the study (repeat for several); recorded in the dataset.")
@click.option("--trials", type=int, help="Override the study's trials per grid point.")
@click.option("--seed", type=int, help="Override the study's seed.")
@click.option("--dry-run", "dry", is_flag=True,
              help="Show the tasks, the memory per task and an estimated time (from a short calibration run of a "
                   "small task); write nothing.")
@click.option("--out", type=click.Path(),
              help="Combined NetCDF file (or Zarr folder, or a folder for it) [default: results/<study name>.nc, "
                   "with the overrides in the name]; parts go to <out>.parts/ meanwhile.")
@click.option("--executor", default="processes", show_default=True,
              type=click.Choice(["processes", "serial", "dask"]),
              help="Run tasks in worker processes on this machine, one after another in this process, or on a Dask "
                   "cluster (a local one, or --scheduler).")
@click.option("--workers", type=click.IntRange(1, 4096), help="Worker processes [default: one per core; with cuda, "
                                                             "one per GPU].")
@click.option("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786 [default: start a local cluster].")
@click.option("--max-memory", "max_memory", help="Memory one worker may use, e.g. 4GB or 512MiB; tasks estimated "
                                                 "above it are refused before the sweep starts.")
@click.option("--resume", is_flag=True, help="Continue a stopped sweep: finished tasks are not run again (nothing "
                                             "to do when the output is already complete).")
@click.option("--format", "fmt", default="netcdf", show_default=True, type=click.Choice(["netcdf", "zarr"]),
              help="Output format; zarr is written task by task, for results larger than memory.")
@click.option("--overwrite", is_flag=True, help="Discard an earlier output and its parts, start again.")
@click.option("--figure", type=click.Path(),
              help="Also draw the result to this PNG (as `amsim plot` would, with the study's [figure] settings).")
@BACKEND
@QUIET
def sweep(study: Path, settings: tuple[str, ...], trials: int | None, seed: int | None, dry: bool, out: str | None,
          executor: str, workers: int | None, scheduler: str | None, max_memory: str | None, resume: bool, fmt: str,
          overwrite: bool, figure: str | None, backend: str, quiet: bool) -> None:
    """Run a STUDY (a folder with study.toml, or the file) over its parameter grid.

    Every grid point is an independent seeded task, saved as soon as it finishes, so an interrupted sweep
    continues with --resume and gives the same numbers as an uninterrupted one. Running a study whose output is
    already complete, with the same settings, does nothing.

    \b
    Examples:
      amsim sweep analysis/hopfield-capacity --dry-run
      amsim sweep analysis/hopfield-capacity
      amsim sweep analysis/hopfield-capacity --resume
      amsim sweep analysis/sdm-recall --set cues=10 --trials 4 --seed 2
    """
    from amsim import backends
    from amsim.io import prepare_output, settings_name
    from amsim.sweep import check_task_memory, dry_run, load_study
    from amsim.sweep import sweep as run_sweep
    from amsim.sweep.executors import make_executor

    overrides = parse_assignments(settings, "sweep: --set")
    st = load_study(study, overrides=overrides, trials=trials, seed=seed)
    suffix = ".zarr" if fmt == "zarr" else ".nc"
    default = Path("results") / f"{settings_name(st.name, _settings(overrides, trials, seed))}{suffix}"
    limit = parse_bytes(max_memory, "--max-memory") if max_memory else None
    if dry:
        resolved = backends.resolve(backend)
        runner = make_executor(executor, workers, scheduler, limit, gpus=resolved == "cuda")
        check_task_memory(st, runner.workers, limit)
        for line in dry_run(st, workers=runner.workers, max_memory=limit, backend=resolved):
            click.echo(_wrap(line, indent=4, first=0))
        return
    # an existing output is the sweep's own business (--resume, or nothing to do); the figure follows the rule
    path = prepare_output(out, default, overwrite=True, suffixes=(suffix,), folder=fmt == "zarr")
    drawing = prepare_output(figure, path.with_suffix(".png"), overwrite=overwrite, suffixes=(".png",),
                             option="--figure") if figure else None
    ds = run_sweep(st, path, executor=executor, workers=workers, scheduler=scheduler, max_memory=limit,
                   resume=resume, overwrite=overwrite, backend=backend, fmt=fmt, quiet=quiet)
    paths = {"dataset": path}
    if drawing:
        from amsim.plotting import plot_dataset

        paths["figure"] = plot_dataset(ds, drawing, **(st.figure or {}))
    _print_paths(**paths)


def _check_axis(ds: Any, name: str | None, option: str) -> None:
    """Refuse an axis option naming a sample dimension (trials and cues are averaged, not drawn or crossed)."""
    if name in SAMPLE_DIMS:
        swept = [str(d) for d in ds.dims if d not in SAMPLE_DIMS]
        raise ValidationError(f"{option}: {name!r} is a sample dimension, averaged over (got {name!r}; allowed: "
                              + (", ".join(swept) or "none: this dataset has no swept axis") + ")")


def _check_variables(ds: Any, names: list[str], option: str) -> None:
    """Refuse variables that are missing or not numbers."""
    from amsim.params import did_you_mean

    if not ds.data_vars:
        raise ValidationError(f"dataset: holds no variables (got {ds.attrs.get('title', 'an empty dataset')!r})")
    for name in names:
        if name not in ds.data_vars:
            raise ValidationError(f"{option}: unknown variable {name!r}"
                                  + did_you_mean(name, list(map(str, ds.data_vars))))
        if ds[name].dtype.kind not in "biuf":
            raise ValidationError(f"{option}: {name!r} holds {ds[name].dtype} values, not numbers (got {name!r})")


@cli.command()
@click.argument("dataset", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(),
              help="PNG file (or a folder for it) [default: the dataset path with .png, and the --x and --y "
                   "choices in the name].")
@click.option("--x", "x", help="Coordinate on the horizontal axis: a swept axis, or another dimension of the "
                                "variables such as the sweep of a trace; a string axis (rule) is drawn as categories "
                                "[default: the first swept axis].")
@click.option("--y", "y", multiple=True, help="Variable(s) to draw, one panel each [default: overlap and success "
                                              "where present]. Repeat for several.")
@click.option("--overlay", is_flag=True, help="Draw all --y variables in one panel (they must share units).")
@OVERWRITE
def plot(dataset: Path, out: str | None, x: str | None, y: tuple[str, ...], overlay: bool, overwrite: bool) -> None:
    """Draw a DATASET (NetCDF written by run or sweep): trial means with error bars, the theory above them.

    The theory a sweep names is evaluated on a fine grid of the x axis, up to where it ends; the legend sits
    outside the axes.

    \b
    Examples:
      amsim plot results/hopfield-capacity.nc --y overlap --y steps
      amsim plot results/sdm-attention.nc --y overlap --y overlap_attention --overlay
      amsim plot results/hopfield-rules.nc --x rule --y stable_fraction       # categories
      amsim plot results/hopfield.retrieval-trace.nc --x sweep --y overlap_trace   # a run with trace=true
    """
    from amsim.io import load_dataset, prepare_output, settings_name
    from amsim.plotting import plot_dataset

    ds = load_dataset(dataset)
    _check_axis(ds, x, "--x")
    _check_variables(ds, list(y), "--y")
    named = {k: v for k, v in (("x", x), ("y", "+".join(y))) if v}
    path = prepare_output(out, dataset.with_name(settings_name(dataset.stem, named) + ".png"), overwrite=overwrite,
                          suffixes=(".png",))
    _print_paths(figure=plot_dataset(ds, path, x=x, y=list(y) or None, overlay=overlay))


def _check_theory_inputs(th: Any, given: list[str], where: str, hint: str = "") -> None:
    """Raise unless ``given`` are inputs of theory ``th`` and include every input it requires (``hint``: what to do
    about a missing one; default: give it a grid)."""
    for key in given:
        if key not in th.inputs:
            raise ValidationError(f"{where}: unknown input {key!r} (got {key!r}; allowed: {', '.join(th.inputs)})")
    named = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    required = [p.name for p in inspect.signature(th.fn).parameters.values()
                if p.kind in named and p.default is p.empty]
    missing = [k for k in required if k not in given]
    if missing:
        hint = hint or f"{missing[0]}=START:STOP:NUM or {missing[0]}=V1,V2,..."
        raise ValidationError(f"{where}: missing input {missing[0]!r} (got {', '.join(given) or 'none'}; "
                              f"allowed: {hint})")


@cli.command()
@click.argument("dataset", type=click.Path(path_type=Path))
@click.option("--var", default="overlap", show_default=True, help="Order parameter whose trial mean falls.")
@click.option("--level", default=0.3, show_default=True, type=float, help="Level that defines the boundary.")
@click.option("--along", help="Swept coordinate to cross [default: the one along which the mean of --var falls "
                              "through --level at the most points of the other axes].")
@click.option("--boot", default=500, show_default=True, type=click.IntRange(10, 100_000),
              help="Bootstrap resamples over trials for the 95% interval.")
@click.option("--theory", "theory_name", help="Registered theory on the other axes to print beside it, e.g. "
                                              "hopfield-phases.")
@click.option("--out", type=click.Path(),
              help="NetCDF file (or a folder for it) [default: the dataset path with -boundary.nc].")
@click.option("--figure", type=click.Path(),
              help="Also draw the boundary with its interval against the remaining axis, and the --theory beside "
                   "it, to this PNG.")
@OVERWRITE
def boundary(dataset: Path, var: str, level: float, along: str | None, boot: int, theory_name: str | None,
             out: str | None, figure: str | None, overwrite: bool) -> None:
    """Where the trial mean of VAR falls through LEVEL along a swept axis of DATASET, with a bootstrap interval.

    \b
    Examples (the capacity per N; the T_M line of the phase diagram; the T_g line from random starts):
      amsim boundary results/hopfield-capacity.nc --var success --level 0.5
      amsim boundary results/hopfield-phase-diagram.nc --theory hopfield-phases
      amsim boundary results/hopfield-spin-glass.nc --var edwards_anderson --level 0.05 --figure freezing.png
    """
    from amsim import registry
    from amsim.io import load_dataset, prepare_output, save_dataset
    from amsim.measures import falling_axis
    from amsim.phase import retrieval_boundary

    if not math.isfinite(level):
        raise ValidationError(f"boundary: --level must be a finite number (got {level!r})")
    ds = load_dataset(dataset)
    _check_variables(ds, [var], "--var")
    if "trial" not in ds[var].dims:
        raise ValidationError(f"--var: {var!r} has no trials to bootstrap over (got dims {tuple(ds[var].dims)}; "
                              "allowed: a variable of a run or sweep)")
    _check_axis(ds, along, "--along")
    chosen = ""
    if along is None:
        along, crossings, points = falling_axis(ds, var, level)
        chosen = f" (chosen: it falls through along it at {crossings} of {points} points; set --along to change)"
    elif along not in ds[var].dims or ds[along].dtype.kind not in "iuf":
        swept = [str(d) for d in ds[var].dims if d not in SAMPLE_DIMS and ds[d].dtype.kind in "iuf"]
        raise ValidationError(f"--along: must be a numeric swept axis of {var!r} (got {along!r}; allowed: "
                              + (", ".join(swept) or "none") + ")")
    if not np.all(np.diff(ds[along].values.astype(float)) > 0):
        raise ValidationError(f"--along: {along!r} must increase along the dataset (got {ds[along].values.tolist()})")
    rest = [str(d) for d in ds[var].dims if d not in (*SAMPLE_DIMS, along)]
    th = registry.theory(theory_name) if theory_name else None
    if th is not None:
        _check_theory_inputs(th, rest, f"boundary: --theory {theory_name}",
                             "a theory whose inputs are the axes left after the crossing")
    path = prepare_output(out, dataset.with_name(dataset.stem + "-boundary.nc"), overwrite=overwrite,
                          suffixes=(".nc",))
    drawing = prepare_output(figure, path.with_suffix(".png"), overwrite=overwrite, suffixes=(".png",),
                             option="--figure") if figure else None
    found = retrieval_boundary(ds, along=along, var=var, level=level, n_boot=boot)
    if th is not None:
        found = found.merge(th.fn(**{name: found[name].values for name in rest}))
    if drawing:  # drawn before anything is printed or written: a boundary without an axis left cannot be drawn
        from amsim.plotting import boundary_figure, save_figure

        drawn = boundary_figure(found, theory=th)
    table = found.to_dataframe() if found["boundary"].dims else found.to_pandas().to_frame().T
    click.echo(f"{var} falls through {level:g} along {along}{chosen} (95% bootstrap interval over trials):")
    click.echo(table.round(4).to_string())
    save_dataset(found, path)
    paths = {"dataset": path}
    if drawing:
        paths["figure"] = save_figure(drawn, drawing)
    _print_paths(**paths)


@cli.command()
@click.argument("name", required=False)
@click.argument("assignments", nargs=-1, metavar="[COORD=START:STOP:NUM | COORD=V1,V2,...]...")
@click.option("--out", type=click.Path(),
              help="NetCDF file (or a folder for it) [default: results/theory-<name>-<inputs>.nc].")
@OVERWRITE
def theory(name: str | None, assignments: tuple[str, ...], out: str | None, overwrite: bool) -> None:
    """Compute the theory curve NAME on a grid and save it (no NAME: list the theories).

    A single point (every input one value) or a small grid prints its values too.

    \b
    Examples:
      amsim theory
      amsim theory hopfield-rs load=0.01:0.2:96
      amsim theory hopfield-rs load=0.1 temperature=0.5
      amsim theory sdm-recall n_stored=100,1000 noise=0:0.3:7
    """
    from amsim import registry
    from amsim.io import prepare_output, save_dataset, settings_name
    from amsim.sweep.spec import axis_values, check_grid_size

    if name is None:
        for th in registry.theories():
            click.echo(_wrap(f"{th.name:20s} inputs: {', '.join(th.inputs)}. {th.summary}", indent=21, first=0))
        return
    th = registry.theory(name)
    texts = parse_assignments(assignments, f"theory {name}")
    where = f"theory {name}"
    _check_theory_inputs(th, list(texts), where)
    grids = {}
    for key, value in zip(texts, assignments, strict=True):
        spec = parse_grid(value.partition("=")[2], f"{where}: {key}")
        values = axis_values(key, spec, where)
        # one value is a single point (a scalar coordinate), not a grid of one
        grids[key] = values[0] if isinstance(spec, list) and len(values) == 1 else np.asarray(values)
    check_grid_size({k: np.size(v) for k, v in grids.items()}, where)
    path = prepare_output(out, Path("results") / f"{settings_name(f'theory-{name}', texts)}.nc", overwrite=overwrite,
                          suffixes=(".nc",))
    try:
        ds = th.fn(**grids)
    except ValueError as exc:  # a theory rejects a value (a negative temperature, ...)
        message = str(exc)
        raise ValidationError(message if message.startswith("theory") else f"{where}: {message}") from None
    save_dataset(ds, path)
    for key, value in ds.attrs.items():
        if isinstance(value, float):
            click.echo(f"{key} = {value:.6g}")
    if max((da.size for da in ds.data_vars.values()), default=0) <= 20:
        _print_values(ds)
    _print_paths(dataset=path)


def _print_values(ds: Any) -> None:
    """A small theory result as values with units: one line per variable at a single point, else a table."""
    from amsim.summary import describe_variable

    if all(da.ndim == 0 for da in ds.data_vars.values()):
        for var, da in ds.data_vars.items():
            click.echo(f"{da.attrs.get('long_name', var)}: {describe_variable(da)}  ({var})")
    else:
        click.echo(ds.to_dataframe().to_string())


@cli.command()
def info() -> None:
    """Show versions, available backends, threads and memory of this machine."""
    import os
    import platform
    from importlib.metadata import version

    from amsim import backends
    from amsim.resources import available_memory, format_bytes, physical_memory
    from amsim.version import __version__

    click.echo(f"amsim {__version__}  python {platform.python_version()}  {platform.platform()}")
    for pkg in ("numpy", "numba", "scipy", "xarray", "h5netcdf", "click"):
        click.echo(f"  {pkg:10s} {version(pkg)}")
    click.echo(f"cores: {os.cpu_count()}  numba threads: {backends.set_threads(None)}  "
               f"memory: {format_bytes(physical_memory())} ({format_bytes(available_memory())} available)")
    click.echo(f"backends available: {', '.join(backends.available())}  (auto -> {backends.resolve('auto')})")


@cli.command()
@click.option("--repeats", default=5, show_default=True, type=click.IntRange(1, 1000),
              help="Timed repetitions per line (the median is shown).")
@click.option("--threads", default="1,2", show_default=True, help="Thread counts to time, comma-separated.")
@click.option("--family", "only", multiple=True, help="Only this family's workloads (repeat for several).")
@click.option("--match", help="Only the workloads whose name contains this text (case-insensitive).")
@click.option("--quick", is_flag=True, help="Small sizes: a smoke test in seconds, not the headline figures.")
@click.option("--json", "json_out", type=click.Path(), help="Also write the results as JSON.")
@OVERWRITE
def bench(repeats: int, threads: str, only: tuple[str, ...], match: str | None, quick: bool,
          json_out: str | None, overwrite: bool) -> None:
    """Time amsim's kernels against the NumPy reference and plain NumPy baselines (medians and ratios).

    \b
    Examples:
      amsim bench --quick
      amsim bench --family sdm
      amsim bench --family hopfield --match glauber --threads 1 --json glauber.json
    """
    import numba

    from amsim import registry
    from amsim.bench import all_workloads
    from amsim.bench import main as bench_main
    from amsim.io import prepare_output

    for name in only:
        registry.family(name)
    counts = []
    for text in threads.split(","):
        if not re.fullmatch(r"\s*\d+\s*", text) or not 1 <= int(text) <= numba.config.NUMBA_NUM_THREADS:
            raise ValidationError(f"bench: --threads must list integers in 1 .. {numba.config.NUMBA_NUM_THREADS} "
                                  f"(the threads of this machine) (got {threads!r}; e.g. 1,2)")
        counts.append(int(text))
    if not all_workloads(quick, list(only) or None, match):
        raise ValidationError(f"bench: no workload matches (got --match {match!r}; allowed: part of a name listed by "
                              "`amsim bench --quick --repeats 1`)")
    path = prepare_output(json_out, Path("bench.json"), overwrite=overwrite, suffixes=(".json",),
                          option="--json") if json_out is not None else None
    bench_main(repeats=repeats, threads=counts, quick=quick, only=list(only) or None, json_out=path, match=match)


@cli.command()
@click.argument("name", required=False)
@click.option("--list", "listing", is_flag=True, help="List the demos, one line each.")
@click.option("--out", type=click.Path(path_type=Path), help="Folder for the pictures  [default: amsim-demo].")
@click.option("--show", is_flag=True, help="Also open the pictures in a window (without a display or GUI toolkit: a "
                                           "warning, and the files are written all the same).")
@click.option("--noise", type=click.FloatRange(0, 1),
              help="letters: fraction of each letter's pixels flipped in the cue.  [default: 0.25]")
@click.option("--seed", default=0, show_default=True, type=int, help="Random seed (same seed, same pictures).")
@click.option("--update", type=click.Choice(["async", "sync"]),
              help="letters: one neuron at a time (async) or all at once (sync).  [default: async]")
@OVERWRITE
@BACKEND
def demo(name: str | None, listing: bool, out: Path | None, show: bool, noise: float | None, seed: int,
         update: str | None, overwrite: bool, backend: str) -> None:
    """Run the classroom demo NAME: it writes pictures (PNG, and GIF where motion helps) and says where.

    Without NAME, a first look in the terminal: a Hopfield network restores five letters from noisy copies, drawn
    in text (nothing is written).

    \b
    Examples:
      amsim demo                                the letters, in the terminal
      amsim demo --list                         the demos
      amsim demo letters                        pictures in amsim-demo/
      amsim demo capacity --show                the curve filling in, in a window
      amsim demo sdm --out pictures --overwrite
    """
    from amsim.demos import DEMOS
    from amsim.demos import demo as find_demo
    from amsim.runner import check_seed

    if listing:
        if name:
            raise ValidationError(f"demo: --list takes no NAME (got {name!r})")
        for d in DEMOS.values():
            click.echo(_wrap(f"{d.name:10s} {d.summary}", indent=11, first=0))
        return
    check_seed(seed, "demo: --seed")
    if noise is not None and not 0 <= noise <= 1:  # FloatRange lets NaN through
        raise ValidationError(f"demo: --noise must be a fraction in 0 .. 1 (got {noise!r})")
    if name is None:
        given = [option for option, value in (("--out", out), ("--show", show), ("--overwrite", overwrite)) if value]
        if given:
            raise ValidationError(f"demo: {given[0]} needs a demo NAME (allowed: {', '.join(DEMOS)}; e.g. amsim demo "
                                  f"letters {given[0]})")
        from amsim.demos.text import run_demo

        click.echo(run_demo(noise=0.25 if noise is None else noise, seed=seed, update=update or "async",
                            backend=backend))
        click.echo("\nPictures and more demos: amsim demo letters; amsim demo --list")
        return
    chosen = find_demo(name)
    options = {"noise": 0.25 if noise is None else noise, "update": update or "async"}
    for option, value in (("noise", noise), ("update", update)):
        if value is not None and option not in chosen.options:
            raise ValidationError(f"demo {name}: --{option} applies to the demos "
                                  f"{', '.join(d.name for d in DEMOS.values() if option in d.options)} only "
                                  f"(got --{option} {value})")
    from amsim.demos.output import Output, choose_backend

    output = Output(Path("amsim-demo") if out is None else out, chosen.outputs, overwrite=overwrite)
    output.check()
    missing = choose_backend(show)
    if missing:
        click.echo(f"warning: --show: {missing}; the pictures are written to files only", err=True)
    output.window = show and not missing
    written = chosen.run(output, seed=seed, backend=backend, **{k: options[k] for k in chosen.options})
    for path in written:
        click.echo(f"{'animation' if path.suffix == '.gif' else 'figure'}: {path}")
    if output.window:
        import matplotlib.pyplot as plt

        plt.show()


def _fail(message: str, status: int = 2) -> None:
    click.echo("error: " + " ".join(str(message).split()), err=True)
    sys.exit(status)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the click group and turn user errors into one line and exit status 2."""
    from amsim.sweep import SweepFailedError

    try:
        status = cli.main(args=argv, prog_name="amsim", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:  # plain `amsim`: show the help, not an error
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        sys.exit(0)
    except click.ClickException as exc:
        _fail(exc.format_message())
    except SweepFailedError as exc:  # bad luck or a bug, not bad input: status 1, finished tasks kept
        _fail(str(exc), 1)
    except AmsimError as exc:
        _fail(str(exc))
    except MemoryError as exc:  # an allocation no estimate foresaw: say so in one line, nothing was written
        _fail(f"out of memory: {exc or 'an allocation failed'} (the sizes asked for do not fit this machine; "
              "allowed: smaller sizes or fewer trials)")
    except click.Abort:
        _fail("aborted", 130)
    except KeyboardInterrupt:
        _fail("interrupted; finished tasks are saved (rerun a sweep with --resume)", 130)
    sys.exit(status if isinstance(status, int) else 0)
