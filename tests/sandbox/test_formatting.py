"""Texts are parsed, measured and given entities the way Telegram does it."""

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.entities import find_entities, trim, utf16_len
from sandbox.errors import ApiError
from sandbox.html_text import HtmlError, parse_html
from sandbox.markdown_text import MarkdownError, parse_markdown, parse_markdown_v2
from sandbox.message_text import compose


@given(st.text())
def test_any_escaped_text_comes_back_unchanged_and_unformatted(text: str) -> None:
    assert parse_html(html.escape(text, quote=False), refuse_bare_ampersand=True) == (text, [])


@given(st.text(min_size=1), st.text())
def test_bold_spans_the_inner_text_in_utf16_units(inner: str, before: str) -> None:
    source = f"{html.escape(before)}<b>{html.escape(inner)}</b>"
    plain, entities = parse_html(source)
    assert plain == before + inner
    assert entities == [{"type": "bold", "offset": utf16_len(before), "length": utf16_len(inner)}]


def test_utf16_counts_an_emoji_twice_and_a_cyrillic_letter_once() -> None:
    assert utf16_len("😀") == 2 and utf16_len("Я") == 1 and utf16_len("abc") == 3


def test_numeric_and_named_character_references_are_decoded() -> None:
    assert parse_html("&lt;&gt;&amp;&quot;&#65;&#x42;&#1071;") == ('<>&"ABЯ', [])


def test_every_supported_tag_becomes_its_entity() -> None:
    source = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike>"
        '<del>d</del><tg-spoiler>p</tg-spoiler><span class="tg-spoiler">q</span><code>c</code>'
        "<blockquote>z</blockquote><blockquote expandable>x</blockquote>"
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
    )
    _, entities = parse_html(source)
    assert [e["type"] for e in entities] == [
        "bold",
        "bold",
        "italic",
        "italic",
        "underline",
        "underline",
        "strikethrough",
        "strikethrough",
        "strikethrough",
        "spoiler",
        "spoiler",
        "code",
        "blockquote",
        "expandable_blockquote",
        "custom_emoji",
    ]


def test_a_pre_block_with_a_code_class_carries_its_language() -> None:
    assert parse_html('<pre><code class="language-python">x = 1</code></pre>') == (
        "x = 1",
        [{"type": "pre", "offset": 0, "length": 5, "language": "python"}],
    )


def test_links_become_text_links_and_mentions_of_known_people() -> None:
    people = {7: {"id": 7, "is_bot": False, "first_name": "Анна"}}
    plain, entities = parse_html(
        '<a href="https://e.org/?a=1&amp;b=2">e</a> <a href="tg://user?id=7">Анна</a>', find_user=people.get
    )
    assert plain == "e Анна"
    assert entities == [
        {"type": "text_link", "offset": 0, "length": 1, "url": "https://e.org/?a=1&b=2"},
        {"type": "text_mention", "offset": 2, "length": 4, "user": people[7]},
    ]


def test_nested_tags_give_nested_entities_outer_first() -> None:
    assert parse_html("<b><i>x</i></b>")[1] == [
        {"type": "bold", "offset": 0, "length": 1},
        {"type": "italic", "offset": 0, "length": 1},
    ]


def test_a_span_without_the_spoiler_class_is_refused() -> None:
    with pytest.raises(HtmlError, match='Tag "span" must have class "tg-spoiler"'):
        parse_html('<span class="red">x</span>')


def test_commands_links_mentions_and_hashtags_are_found_in_plain_text() -> None:
    text = "/start now, see https://e.org/x. or mail a@b.io, ping @anna_k #заказ"
    found = {(e["type"], text[e["offset"] : e["offset"] + e["length"]]) for e in find_entities(text, [])}
    assert found == {
        ("bot_command", "/start"),
        ("url", "https://e.org/x"),
        ("email", "a@b.io"),
        ("mention", "@anna_k"),
        ("hashtag", "#заказ"),
    }


def test_nothing_is_found_inside_code() -> None:
    assert find_entities("/start", [{"type": "code", "offset": 0, "length": 6}]) == [
        {"type": "code", "offset": 0, "length": 6}
    ]


def test_trimming_keeps_entities_on_their_characters() -> None:
    assert trim("\n  hi there \n", [{"type": "bold", "offset": 3, "length": 8}]) == (
        "hi there",
        [{"type": "bold", "offset": 0, "length": 8}],
    )


def test_markdown_v2_covers_the_common_styles() -> None:
    plain, entities = parse_markdown_v2(r"*b* _i_ __u__ ~s~ ||p|| [l](https://e.org) `c` \. \!")
    assert plain == "b i u s p l c . !"
    assert [e["type"] for e in entities] == [
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "text_link",
        "code",
    ]


def test_markdown_v2_refuses_a_reserved_character_left_unescaped() -> None:
    with pytest.raises(MarkdownError, match=r"Character '\.' is reserved"):
        parse_markdown_v2("1.5")


def test_compose_refuses_empty_and_too_long_texts_and_allows_empty_captions() -> None:
    with pytest.raises(ApiError, match="message text is empty"):
        compose("   ")
    with pytest.raises(ApiError, match="message is too long"):
        compose("x" * 4097)
    assert compose(None, caption=True) == ("", [])


def test_legacy_markdown_reads_its_four_styles_and_links() -> None:
    plain, entities = parse_markdown("*b* _i_ `c` [l](https://e.org) \\_ ```python\nx```")
    assert plain == "b i c l _ x"
    assert [(e["type"], e.get("url") or e.get("language")) for e in entities] == [
        ("bold", None),
        ("italic", None),
        ("code", None),
        ("text_link", "https://e.org"),
        ("pre", "python"),
    ]


def test_legacy_markdown_refuses_an_unclosed_entity() -> None:
    with pytest.raises(MarkdownError, match="Can't find end of the entity starting at byte offset 2"):
        parse_markdown("a *b")
