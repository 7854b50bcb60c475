"""The report page: self-contained, escaped, with every section a reader needs."""

from __future__ import annotations

import re

from simulator.experiments.run import run
from simulator.files.document import load_scenario
from simulator.reporting import documents
from simulator.reporting.html import assumptions, page
from tests.reporting.conftest import hostile_file


def test_run_page_has_headline_meanings_figures_scenario_and_provenance(run_document):
    text = page("run", run_document)
    assert "abuse pass-through (granted / decided)" in text
    assert "Of the abusive requests the requested State decided" in text
    assert text.count("<figure ") == 5 and text.count("<svg") == 5
    assert "<details><summary>The scenario file" in text
    assert "<h3>Assumptions</h3><pre><bdi>A small scenario for the sweep tests" in text
    assert run_document["provenance"]["scenario_sha256"] in text


def test_page_loads_nothing_from_elsewhere(run_document, comparison_document):
    for text in (page("run", run_document), page("comparison", comparison_document)):
        assert "Content-Security-Policy" in text and "default-src 'none'" in text
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text)
        assert "<script" not in text and "<link" not in text


def test_comparison_page_lists_flips_with_replay_commands(comparison_document):
    text = page("comparison", comparison_document)
    assert "Flipped outcomes: required against base" in text
    assert "mlasim explain" in text and "--variant required" in text


def test_check_page_shows_verdicts(check_document):
    text = page("check", check_document)
    for entry in check_document["properties"]:
        assert entry["name"] in text


def test_hostile_scenario_name_is_text(tmp_path):
    result = run(load_scenario(hostile_file(tmp_path)), replications=2)
    text = page("run", documents.run_document(result))
    assert "<script>window" not in text and "<img src=x" not in text
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in text


def test_assumptions_are_the_leading_comment_block():
    assert assumptions("# one\n#   two\n#\n[scenario]\n# later") == "one\n  two"


def test_a_saturated_run_page_warns_beside_the_headline(run_document):
    from tests.conftest import ROOT

    swamped = documents.run_document(run(load_scenario(ROOT / "tests" / "data" / "saturated.toml")))
    text = page("run", swamped)
    assert '<div id="warnings"' in text and "the backlog grew" in text and "still pending" in text
    assert "abuse pass-through (granted / decided) (!)" in text
    assert text.index('id="warnings"') < text.index("<h2>Figures</h2>")  # beside the headline
    calm = page("run", run_document)
    assert 'id="warnings"' not in calm and "(granted / decided) (!)" not in calm


def test_warnings_are_escaped():
    from simulator.reporting.sections import warnings_html

    assert "<b>x</b>" not in warnings_html(["<b>x</b>"]) and "&lt;b&gt;x" in warnings_html(["<b>x</b>"])
    assert warnings_html([]) == ""


def test_a_several_state_page_has_the_routes_and_the_monitoring_table(several_document):
    text = page("run", several_document)
    assert '<h2>Routes</h2><h3 id="requested-states">By requested State</h3>' in text
    assert '<h3 id="channels">By channel</h3>' in text and "false emergencies seen through" in text
    monitoring = text[text.index('<h3 id="monitoring">') :]
    monitoring = monitoring[: monitoring.index("</table>")]
    flagged = several_document["monitoring"]["eu"]["authoritarian"]["flagged"]
    k = round(flagged["mean"] * flagged["n"])
    assert f'<td>eu (sprt, suspend)</td><td>authoritarian</td><td class="num">{k} of 2</td>' in monitoring
    assert "never" in monitoring  # the partner is never flagged
    assert "abusive cases that got the data anywhere" in text
    assert 'id="figure-requested-states"' in text and 'id="figure-channels"' in text


def test_a_one_state_page_has_no_routes(run_document):
    assert "<h2>Routes</h2>" not in page("run", run_document)


def test_a_comparison_page_has_the_route_differences(several_comparison_document):
    text = page("comparison", several_comparison_document)
    routes = text[text.index('<h2 id="routes">') :]
    assert "<h3>By requested State</h3>" in routes and "shopping minus no shopping" in routes
    assert "<h3>Monitoring</h3>" in routes and "of 2</td>" in routes


def test_the_run_page_opens_with_the_headline_in_plain_words_and_counts_beside_shares(run_document):
    text = page("run", run_document)
    lead = text[text.index('<p class="lead">') : text.index("</p>", text.index('<p class="lead">'))]
    assert "of the abusive requests the requested State decided were granted (95% interval" in lead
    assert "This rests on 3 replications" in lead and "assumptions of the scenario file" in lead
    assert text.index('class="lead"') < text.index("<h2>Headline</h2>")
    assert "granted of" in text and "counts (mean a replication)" in text  # counts beside the shares
    assert "<h2>By requesting State</h2>" in text


def test_citations_carry_their_mark_and_the_page_explains_it_once(comparison_document):
    text = page("comparison", comparison_document)
    assert "(unverified)" not in text
    assert "UNCC Art 40(9)\u2020" in text
    assert text.count("\u2020 confidence high") == 1 and 'id="citations"' in text


def test_empty_sections_are_one_line(run_document):
    text = page("run", run_document)
    assert "<h3>Rushed reviews</h3>" not in text  # the small scenario rushes nothing


def test_a_right_to_left_override_in_a_name_is_isolated(comparison_document):
    import copy

    document = copy.deepcopy(comparison_document)
    document["configurations"][0]["label"] = document["baseline"] = "evil\u202eabc"
    text = page("comparison", document)
    title = text[text.index("<title>") : text.index("</title>")]
    assert "\u202e" not in title  # a title cannot isolate: the control is dropped there
    heading = text[text.index("<h1>") : text.index("</h1>")]
    assert "\u2068evil\u202eabc\u202c\u2069, required" in heading


def test_the_comparison_page_shows_each_scenario_file_and_its_assumptions(tmp_path):
    from simulator.experiments.comparison import compare
    from tests.reporting.conftest import SMALL

    other = tmp_path / "other.toml"
    other.write_text(
        "# Another file: its own assumptions.\n" + SMALL.read_text("utf-8").replace("small sweep", "other"),
        "utf-8",
    )
    result = compare([load_scenario(SMALL), load_scenario(other)], replications=2)
    text = page("comparison", documents.comparison_document(result))
    scenario = text[text.index("<h2>Scenario</h2>") :]
    assert "A small scenario for the sweep tests" in scenario
    assert "Another file: its own assumptions." in scenario
    assert scenario.count("<details>") == 2


def test_the_sweep_page_finds_the_scenario_in_its_run_directory(sweep_directory, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # elsewhere than the run directory
    kind, document = documents.read_saved(sweep_directory)
    text = page(kind, document)
    assert "not recorded" not in text and "A small scenario for the sweep tests" in text
