"""Failures an adversarial trial found in the YAML subset and the router, each reproduced."""

from __future__ import annotations

import time

import pytest

from csi_tool.errors import YamlError
from csi_tool.yaml import fast, strict


def _refused(text: str) -> str:
    with pytest.raises(YamlError) as error:
        strict.load_fast(text, "x.yaml")
    return error.value.findings[0].message


@pytest.mark.parametrize("text", ["k: { ?foo: bar }\n", "k: [?x]\n"])
def test_a_question_mark_glued_to_a_flow_key_is_refused(text: str) -> None:
    assert "must be quoted" in _refused(text)


@pytest.mark.parametrize("space", ["\u00a0", "\u3000"])
def test_an_anchor_named_by_a_unicode_space_is_no_way_around_the_refusal(space: str) -> None:
    text = f"a: &{space} hello\nb: *{space}\n"
    assert fast.needs_strict_parser(text)
    _refused(text)


@pytest.mark.parametrize("text", ["k: [a, # ]\n  b]\n", "k: {a: 1, # }\n  b: 2}\n"])
def test_a_comment_cannot_hide_a_flow_spread_over_lines(text: str) -> None:
    assert fast.needs_strict_parser(text)
    assert "must close on the line it opens" in _refused(text)


@pytest.mark.parametrize("text", ["k: [a, b, c, ]#invalid\n", "tags: [a, b]# note\n"])
def test_a_comment_glued_to_a_flow_is_refused(text: str) -> None:
    assert "space" in _refused(text)


@pytest.mark.parametrize(
    "text", ['# yaml-language-server: x\nk: "v"# c\n', "...\nk: 1\n", 'k: "\\ud83d\\ude00"\n']
)
def test_what_only_the_reference_judges_goes_to_it(text: str) -> None:
    assert fast.needs_strict_parser(text)
    _refused(text)


def test_a_byte_order_mark_inside_the_file_is_refused_with_its_place() -> None:
    with pytest.raises(YamlError) as error:
        strict.decode("# c\n\ufeffk: 1\n".encode(), "x.yaml", 1000)
    finding = error.value.findings[0]
    assert (finding.line, finding.column) == (2, 1)
    assert "byte order mark" in finding.message


def test_many_empty_block_texts_are_read_in_linear_time() -> None:
    small = "".join(f"k{n}: |\n" for n in range(2000))
    large = "".join(f"k{n}: |\n" for n in range(16000))
    started = time.perf_counter()
    strict.load_fast(small, "x.yaml")
    per_key_small = (time.perf_counter() - started) / 2000
    started = time.perf_counter()
    strict.load_fast(large, "x.yaml")
    per_key_large = (time.perf_counter() - started) / 16000
    assert per_key_large < 4 * per_key_small  # quadratic was 8× per key at 8× the keys


@pytest.mark.parametrize(
    "value",
    ["0XC", "0O17", "_1", "_2.4", "_53e5", ".5E1", "._", "+_", "1_000", "3_", "0x_1", "+0x1"],
)
def test_a_number_the_readers_take_differently_is_refused(value: str) -> None:
    text = f"k: {value}\n"
    assert fast.needs_strict_parser(text)
    assert "write a number plainly" in _refused(text)
    assert "write a number plainly" in _refused(f"k: [a, {value}]\n")


@pytest.mark.parametrize(
    ("value", "read"),
    [("12", 12), ("-3", -3), ("1.5", 1.5), ("2e3", 2000.0), ("0x1f", 31), ("0o17", 15)],
)
def test_plain_numbers_stay_on_the_fast_path_and_read_alike(value: str, read: object) -> None:
    text = f"k: {value}\nkey_p3_sla: p3_sla\n"
    assert not fast.needs_strict_parser(text)
    assert strict.load_fast(text, "x.yaml")["k"] == read
    assert strict._load_strict(text, "x.yaml")["k"] == read


@pytest.mark.parametrize("text", ["k: [|a]\n", "k: {a: >}\n", "k: [a, |]\n", "k: [-]\n"])
def test_what_cannot_start_a_value_in_brackets_is_refused_by_every_reader(text: str) -> None:
    assert fast.needs_strict_parser(text) or fast.read_ordinary(text) is None
    _refused(text)


def test_underscores_at_a_files_start_are_routed_like_anywhere_else() -> None:
    assert strict.load_fast("_: null\n", "x.yaml") == {"_": None}  # a word: both read it
    assert fast.needs_strict_parser("_1: x\n")
    assert "write a number plainly" in _refused("_1: x\n")
