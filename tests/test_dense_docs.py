"""The dense family's studies load and validate, and their READMEs say what a study README says (claim, source, how
to run, a committed figure). Every command in them, and in README.md's section, runs in tests/test_readme.py."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from amsim.sweep.spec import load_study

STUDIES = sorted(p.parent.name for p in (ROOT / "analysis").glob("*/study.toml")
                 if p.parent.name.startswith(("dense-", "modern-hopfield-")))


def test_the_family_has_its_studies():
    assert len(STUDIES) == 7


@pytest.mark.parametrize("study", STUDIES)
def test_dense_studies_load_and_have_a_readme_with_a_figure(study):
    folder = ROOT / "analysis" / study
    loaded = load_study(folder)
    assert loaded.family == "dense" and loaded.tasks
    text = (folder / "README.md").read_text()
    for word in ("**Claim.**", "**Source.**", "**Run**", "```bash", "**Measured**"):
        assert word in text, (study, word)
    images = re.findall(r"!\[[^]]*\]\(([^)]+)\)", text)
    assert images
    for image in images:
        assert (folder / image).stat().st_size > 1000, (study, image)
