"""docs/security.md names only tests that exist, and covers each item of the OWASP API Security Top 10 (2023)."""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "docs" / "security.md"
# `tests/gateway/test_x.py::test_name`, `tests/x.py::TestClass::test_name`, or a parametrised case `...::test_name[id]`.
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::([\w:]+)(?:\[[^`\]]*\])?`")


def references() -> list[tuple[str, str]]:
    """Every (test file, test name) the document names."""
    return REFERENCE.findall(DOCUMENT.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def defined_tests(path: str) -> set[str]:
    """The tests a file defines, as pytest names them: `test_x` and `TestClass::test_x`."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            names.add(node.name)
        if isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            names.update(f"{node.name}::{item.name}" for item in node.body
                         if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name.startswith("test"))
    return names


def test_every_test_the_security_document_names_exists() -> None:
    missing = [f"{path}::{name}" for path, name in references()
               if not (ROOT / path).is_file() or name not in defined_tests(path)]
    assert missing == []


def test_the_security_document_names_tests_for_each_owasp_api_top_10_item() -> None:
    text = DOCUMENT.read_text(encoding="utf-8")
    sections = re.split(r"^### ", text, flags=re.MULTILINE)
    named = {}
    for section in sections:
        item = re.match(r"API(\d+):2023", section)
        if item:
            named[int(item.group(1))] = len(REFERENCE.findall(section))
    assert sorted(named) == list(range(1, 11)) and all(count > 0 for count in named.values()), named


def test_the_reference_pattern_reads_plain_class_and_parametrised_names() -> None:
    text = "`tests/a.py::test_x` `tests/b/c.py::TestY::test_z` `tests/d.py::test_w[POST /api/v1/chat · customer B]`"
    assert REFERENCE.findall(text) == [("tests/a.py", "test_x"), ("tests/b/c.py", "TestY::test_z"),
                                       ("tests/d.py", "test_w")]
