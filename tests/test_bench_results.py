"""Benchmark figures are printed and kept as JSON, stamped with when they were measured."""

from __future__ import annotations

import json

from assistant.bench_results import publish


def test_the_written_file_holds_the_figures_and_when_they_were_measured(tmp_path) -> None:
    out = tmp_path / "bench" / "figures.json"
    publish({"p50_ms": 7.1}, out)
    written = json.loads(out.read_text())
    assert (written["p50_ms"], "measured_at" in written) == (7.1, True)


def test_without_a_file_the_figures_are_printed_as_json_alone(capsys) -> None:
    publish({"p50_ms": 7.1}, None)
    assert json.loads(capsys.readouterr().out)["p50_ms"] == 7.1
