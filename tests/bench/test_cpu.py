"""bench.cpu: py-spy's collapsed stacks read by place, idle threads left out; the report's section."""

from __future__ import annotations

from bench.cpu import PLACES, places
from bench.report import cpu_section

STACKS = "\n".join([
    # the event loop waiting, and an idle worker: not busy
    "_run_module_as_main (runpy.py:196);main (rasa/__main__.py:151);serve (sanic/server/runners.py:155) 500",
    "_bootstrap (threading.py:973);run (threading.py:953);_worker (concurrent/futures/thread.py:81) 900",
    # busy: TED inside the policy ensemble, the encoder inside the classifier, a broker commit
    "main (rasa/__main__.py:151);predict (rasa/core/policies/ensemble.py:80);predict_action_probabilities "
    "(rasa/core/policies/ted_policy.py:900);quick_execute (tensorflow/python/eager/execute.py:52) 30",
    "main (rasa/__main__.py:151);process (bot/nlu/classifier.py:130);encode (bot/nlu/encoder.py:140) 10",
    "main (rasa/__main__.py:151);save (bot/stores/tracker_store.py:130);publish_all (bot/stores/broker.py:70);"
    "do_commit (sqlalchemy/engine/default.py:686) 10",
    "not a stack line",
])


def test_busy_samples_by_place_without_the_idle_ones() -> None:
    total, shares, leaves = places(STACKS)
    assert total == 50
    assert set(shares) == {place for place, _ in PLACES}
    assert shares["TED policy"] == 30 and shares["policy ensemble and featurizers"] == 30
    assert shares["intent classifier"] == 10 and shares["  sentence encoder"] == 10
    assert shares["tracker store (redacting wrapper and store)"] == 10 and shares["  event broker"] == 10
    assert shares["  SQLAlchemy"] == 10 and shares["redaction engine"] == 0
    assert leaves == {"quick_execute (tensorflow/python/eager/execute.py)": 30,
                      "encode (bot/nlu/encoder.py)": 10, "do_commit (sqlalchemy/engine/default.py)": 10}


def test_the_report_section() -> None:
    result = {
        "command": ".venv/bin/python -m bench.cpu --profile --stock",
        "timed": {"messages": 120, "errors": 0, "p50_ms": 48.0, "p99_ms": 70.0, "messages_per_s": 20.0,
                  "cpu_ms_per_message": {"rasa": 44.8, "action server": 1.9}},
        "small_talk": {"ours": {"p50_ms": 40.0, "p99_ms": 60.0, "cpu_ms_per_message": {"rasa": 30.0}},
                       "stock": {"p50_ms": 36.0, "p99_ms": 50.0, "cpu_ms_per_message": {"stock rasa": 35.0}},
                       "p50_ratio": 1.11},
        "profile": {"rate_hz": 250, "busy_ms_per_message": 45.4, "share": {"TED policy": 0.263}},
    }
    text = "\n".join(cpu_section(result))
    assert "| rasa | 44.8 |" in text and "| action server | 1.9 |" in text
    assert "| stock | 36.0 | 50.0 | stock rasa 35.0 |" in text and "1.11x" in text
    assert "| TED policy | 26.3 % |" in text
    assert cpu_section(None) == []
