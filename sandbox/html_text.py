"""The HTML parse mode, read the way Telegram's own parser (tdlib's parse_html) reads it.

The error texts and their byte offsets follow tdlib, because bots and their tests see them verbatim.
One deliberate difference, only in strict mode: an `&` that starts no entity is refused, where
Telegram keeps it as text; a template that forgets to escape a value is caught before a `<` in a
customer's name breaks a message in production.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox.entities import Entity, drop_nested_in_code, sort_entities, utf16_len

TAGS = frozenset(
    {"a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler", "tg-emoji", "span", "pre",
     "code", "blockquote"}
)
_SIMPLE = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPECIAL = re.compile(r"[<&]")
_SPACE = " \t\r\n\f\v"
_TG_USER = re.compile(r"tg://user\?id=(\d+)$")
_LINK_SCHEME = re.compile(r"(?:https?|tg|ton|ftp)://\S+$", re.IGNORECASE)
_BARE_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)+(?:[/?#]\S*)?$")


class HtmlError(ValueError):
    """Why Telegram cannot parse the entities of a text; the message is Telegram's own wording."""


@dataclass
class _Open:
    tag: str
    argument: str
    offset: int  # UTF-16 offset where the entity starts
    text_at: int  # how many plain characters came before it
    expandable: bool = False


def parse_html(
    source: str,
    *,
    refuse_bare_ampersand: bool = False,
    find_user: Callable[[int], dict[str, Any] | None] | None = None,
) -> tuple[str, list[Entity]]:
    """Split HTML-formatted text into plain text and entities, or raise HtmlError."""
    parser = _Parser(source, refuse_bare_ampersand, find_user)
    return parser.run()


class _Parser:
    def __init__(
        self, source: str, refuse_ampersand: bool, find_user: Callable[[int], dict[str, Any] | None] | None
    ) -> None:
        self.src = source
        self.n = len(source)
        self.i = 0
        self.refuse_ampersand = refuse_ampersand
        self.find_user = find_user
        self.out: list[str] = []
        self.plain_len = 0
        self.utf16 = 0
        self.open: list[_Open] = []
        self.entities: list[Entity] = []

    def run(self) -> tuple[str, list[Entity]]:
        while self.i < self.n:
            c = self.src[self.i]
            if c == "&":
                self._ampersand()
            elif c == "<":
                if self.i + 1 < self.n and self.src[self.i + 1] == "/":
                    self._end_tag()
                else:
                    self._start_tag()
            else:
                found = _SPECIAL.search(self.src, self.i)
                stop = found.start() if found else self.n
                self._emit(self.src[self.i : stop])
                self.i = stop
        if self.open:
            raise HtmlError(f'Can\'t find end tag corresponding to start tag "{self.open[-1].tag}"')
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)  # a language only means something on a pre block
        # Reversed so that of two entities on the same span the outer tag, which closed last, comes first.
        return "".join(self.out), sort_entities(drop_nested_in_code(self.entities[::-1]))

    def _emit(self, text: str) -> None:
        self.out.append(text)
        self.plain_len += len(text)
        self.utf16 += utf16_len(text)

    def _byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8"))

    def _ampersand(self) -> None:
        decoded, end = decode_entity(self.src, self.i)
        if decoded is None:
            if self.refuse_ampersand:
                raise HtmlError(
                    f'Unescaped "&" at byte offset {self._byte_offset(self.i)}; '
                    "the strict sandbox wants it written as &amp;"
                )
            decoded, end = "&", self.i + 1
        self._emit(decoded)
        self.i = end

    def _skip_spaces(self) -> None:
        while self.i < self.n and self.src[self.i] in _SPACE:
            self.i += 1

    def _start_tag(self) -> None:
        src, begin = self.src, self.i
        at = self._byte_offset(begin)
        self.i += 1
        while self.i < self.n and src[self.i] not in _SPACE and src[self.i] != ">":
            self.i += 1
        if self.i >= self.n:
            raise HtmlError(f"Unclosed start tag at byte offset {at}")
        tag = src[begin + 1 : self.i].lower()
        if tag not in TAGS:
            raise HtmlError(f'Unsupported start tag "{tag}" at byte offset {at}')
        opened = _Open(tag, "", self.utf16, self.plain_len)
        while True:
            self._skip_spaces()
            if self.i >= self.n:
                raise HtmlError(f'Unclosed start tag "{tag}" at byte offset {at}')
            if src[self.i] == ">":
                break
            self._attribute(opened, at)
        self.i += 1
        if tag == "span" and opened.argument != "spoiler":
            raise HtmlError(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
        self.open.append(opened)

    def _attribute(self, opened: _Open, at: int) -> None:
        src, tag = self.src, opened.tag
        name_begin = self.i
        while self.i < self.n and src[self.i] not in _SPACE and src[self.i] not in "=>":
            self.i += 1
        name = src[name_begin : self.i]
        if not name:
            raise HtmlError(f'Empty attribute name in the tag "{tag}" at byte offset {at}')
        self._skip_spaces()
        if self.i >= self.n or src[self.i] != "=":
            if tag == "blockquote" and name == "expandable":
                opened.expandable = True
                return
            raise HtmlError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" at byte offset {at}'
            )
        self.i += 1
        self._skip_spaces()
        if self.i >= self.n:
            raise HtmlError(f'Unclosed start tag "{tag}" at byte offset {at}')
        value = self._attribute_value(at)
        if tag == "a" and name == "href":
            opened.argument = value
        elif tag == "code" and name == "class" and value.startswith("language-"):
            opened.argument = value[len("language-") :]
        elif tag == "span" and name == "class" and value.startswith("tg-"):
            opened.argument = value[len("tg-") :]
        elif tag == "tg-emoji" and name == "emoji-id":
            opened.argument = value
        elif tag == "blockquote" and name == "expandable":
            opened.expandable = True

    def _attribute_value(self, at: int) -> str:
        src = self.src
        if src[self.i] not in "'\"":
            # An unquoted value is a name token: letters, digits, periods and hyphens, case-insensitive.
            token_begin = self.i
            while self.i < self.n and ((src[self.i].isascii() and src[self.i].isalnum()) or src[self.i] in ".-"):
                self.i += 1
            if self.i >= self.n or (src[self.i] not in _SPACE and src[self.i] != ">"):
                raise HtmlError(f"Unexpected end of name token at byte offset {self._byte_offset(token_begin)}")
            return src[token_begin : self.i].lower()
        quote = src[self.i]
        self.i += 1
        chars: list[str] = []
        while self.i < self.n and src[self.i] != quote:
            if src[self.i] == "&":
                decoded, end = decode_entity(src, self.i)
                if decoded is not None:
                    chars.append(decoded)
                    self.i = end
                    continue
                if self.refuse_ampersand:
                    raise HtmlError(
                        f'Unescaped "&" at byte offset {self._byte_offset(self.i)}; '
                        "the strict sandbox wants it written as &amp;"
                    )
            chars.append(src[self.i])
            self.i += 1
        if self.i < self.n:
            self.i += 1
        if self.i >= self.n:
            raise HtmlError(f"Unclosed start tag at byte offset {at}")
        return "".join(chars)

    def _end_tag(self) -> None:
        src, begin = self.src, self.i
        at = self._byte_offset(begin)
        if not self.open:
            raise HtmlError(f"Unexpected end tag at byte offset {at}")
        self.i += 2
        while self.i < self.n and src[self.i] not in _SPACE and src[self.i] != ">":
            self.i += 1
        end_name = src[begin + 2 : self.i].lower()
        self._skip_spaces()
        if self.i >= self.n or src[self.i] != ">":
            raise HtmlError(f"Unclosed end tag at byte offset {at}")
        self.i += 1
        opened = self.open.pop()
        if end_name and end_name != opened.tag:
            raise HtmlError(
                f'Unmatched end tag at byte offset {at}, expected "</{opened.tag}>", found "</{end_name}>"'
            )
        if self.utf16 > opened.offset:
            self._close(opened)

    def _close(self, opened: _Open) -> None:
        offset, length, tag = opened.offset, self.utf16 - opened.offset, opened.tag
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and last["offset"] == offset and last["length"] == length
        if tag in _SIMPLE:
            self.entities.append({"type": _SIMPLE[tag], "offset": offset, "length": length})
        elif tag == "blockquote":
            kind = "expandable_blockquote" if opened.expandable else "blockquote"
            self.entities.append({"type": kind, "offset": offset, "length": length})
        elif tag == "tg-emoji":
            if not opened.argument.isdigit():
                raise HtmlError("Invalid custom emoji identifier specified")
            self.entities.append(
                {"type": "custom_emoji", "offset": offset, "length": length, "custom_emoji_id": opened.argument}
            )
        elif tag == "a":
            self._link(opened, offset, length)
        elif tag == "pre":
            if last is not None and same_span and last["type"] == "code" and last.get("language"):
                last["type"] = "pre"  # <pre><code class="language-x"> is one pre block with a language
            else:
                self.entities.append({"type": "pre", "offset": offset, "length": length})
        elif tag == "code":
            if last is not None and same_span and last["type"] == "pre" and opened.argument:
                last["language"] = opened.argument
            else:
                entity: Entity = {"type": "code", "offset": offset, "length": length}
                if opened.argument:
                    entity["language"] = opened.argument  # kept until the enclosing </pre> claims it
                self.entities.append(entity)

    def _link(self, opened: _Open, offset: int, length: int) -> None:
        url = opened.argument or "".join(self.out)[opened.text_at :]
        user = _TG_USER.match(url)
        if user:
            found = self.find_user(int(user.group(1))) if self.find_user else None
            if found is not None:
                self.entities.append({"type": "text_mention", "offset": offset, "length": length, "user": found})
            return
        if _LINK_SCHEME.match(url):
            self.entities.append({"type": "text_link", "offset": offset, "length": length, "url": url})
        elif _BARE_DOMAIN.match(url):
            self.entities.append(
                {"type": "text_link", "offset": offset, "length": length, "url": f"http://{url}/"}
            )
        # Telegram silently drops a link it cannot read, keeping the text.


def decode_entity(text: str, pos: int) -> tuple[str | None, int]:
    """Decode the character reference at text[pos] == '&'; (None, pos) when it is none (tdlib's rules)."""
    n = len(text)
    end = pos + 1
    if end < n and text[end] == "#":
        end += 1
        hexadecimal = end < n and text[end] == "x"
        if hexadecimal:
            end += 1
        digits = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        start = end
        while end < n and text[end] in digits:
            end += 1
        if end == start or end - start > 8:
            return None, pos
        code = int(text[start:end], 16 if hexadecimal else 10)
        if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None, pos
        char = chr(code)
    else:
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        named = _NAMED.get(text[pos + 1 : end])
        if named is None:
            return None, pos
        char = named
    if end < n and text[end] == ";":
        end += 1
    return char, end
