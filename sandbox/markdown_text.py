"""The MarkdownV2 and legacy Markdown parse modes, after Telegram's formatting rules and tdlib's errors.

MarkdownV2: bold, italic, underline, strikethrough, spoiler, inline links and mentions, custom
emoji, inline code, pre blocks with a language, block quotations (expandable ones too), escapes.
Markdown (legacy): bold, italic, code, pre and links, not nested.
"""

from dataclasses import dataclass

from sandbox.entities import Entity, drop_nested_in_code, sort_entities, utf16_len

RESERVED = "_*[]()~`>#+-=|{}.!"
_MARKS = {"bold": "*", "italic": "_", "underline": "__", "strikethrough": "~", "spoiler": "||", "code": "`",
          "pre": "```", "text_link": "]", "custom_emoji": "]"}
_NAMES = {"bold": "Bold", "italic": "Italic", "underline": "Underline", "strikethrough": "Strikethrough",
          "spoiler": "Spoiler", "code": "Code", "pre": "Pre", "text_link": "TextUrl",
          "custom_emoji": "CustomEmoji"}


class MarkdownError(ValueError):
    """Why Telegram cannot parse a MarkdownV2 text; the message is Telegram's wording."""


@dataclass
class _Open:
    kind: str
    offset: int
    byte_at: int
    text_at: int
    language: str = ""


def parse_markdown_v2(source: str) -> tuple[str, list[Entity]]:
    return _Parser(source).run()


class _Parser:
    def __init__(self, source: str) -> None:
        self.src = source
        self.n = len(source)
        self.out: list[str] = []
        self.plain_len = 0
        self.utf16 = 0
        self.open: list[_Open] = []
        self.entities: list[Entity] = []
        self.quote: Entity | None = None
        self.quote_line_end = 0

    def _emit(self, text: str) -> None:
        self.out.append(text)
        self.plain_len += len(text)
        self.utf16 += utf16_len(text)

    def _at(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8"))

    def run(self) -> tuple[str, list[Entity]]:
        i = 0
        while i < self.n:
            if i == 0 or self.src[i - 1] == "\n":
                i = self._line_start(i)
                if i >= self.n:
                    break
            i = self._step(i)
        if self.open:
            top = self.open[-1]
            raise MarkdownError(f"Can't find end of {_NAMES[top.kind]} entity at byte offset {top.byte_at}")
        self._end_quote(self.utf16)
        return "".join(self.out), sort_entities(drop_nested_in_code(self.entities[::-1]))

    def _line_start(self, i: int) -> int:
        if self.open and self.open[-1].kind in ("code", "pre"):
            return i
        expandable = self.src.startswith("**>", i)
        if expandable or self.src.startswith(">", i):
            if self.quote is None:
                self.quote = {"type": "expandable_blockquote" if expandable else "blockquote",
                              "offset": self.utf16, "length": 0}
            return i + (3 if expandable else 1)
        self._end_quote(self.quote_line_end)
        return i

    def _end_quote(self, end: int) -> None:
        if self.quote is not None:
            if end > self.quote["offset"]:
                self.quote["length"] = end - self.quote["offset"]
                self.entities.append(self.quote)
            self.quote = None

    def _step(self, i: int) -> int:
        src, c = self.src, self.src[i]
        top = self.open[-1] if self.open else None
        if c == "\\" and i + 1 < self.n and 0 < ord(src[i + 1]) <= 126:
            self._emit(src[i + 1])
            return i + 2
        if c == "\n" and self.quote is not None:
            self.quote_line_end = self.utf16
        if top is not None and src.startswith(_MARKS[top.kind], i) and not self._opens_underline(top, i):
            return self._close(top, i)
        if top is not None and top.kind in ("code", "pre"):
            self._emit(c)
            return i + 1
        if (self.quote is not None and self.quote["type"] == "expandable_blockquote" and src.startswith("||", i)
                and (i + 2 == self.n or src[i + 2] == "\n")):
            return i + 2  # the mark that ends an expandable quotation
        return self._start(i)

    def _opens_underline(self, top: _Open, i: int) -> bool:
        # "__" is read greedily as underline, so a single "_" ends italic only when it is alone.
        return top.kind == "italic" and self.src.startswith("__", i)

    def _start(self, i: int) -> int:
        src, c = self.src, self.src[i]
        kinds = {"*": "bold", "~": "strikethrough", "[": "text_link"}
        if c in kinds:
            return self._push(kinds[c], i, 1)
        if c == "_":
            return self._push("underline", i, 2) if src.startswith("__", i) else self._push("italic", i, 1)
        if c == "|" and src.startswith("||", i):
            return self._push("spoiler", i, 2)
        if c == "!" and src.startswith("![", i):
            return self._push("custom_emoji", i, 2)
        if c == "`":
            if not src.startswith("```", i):
                return self._push("code", i, 1)
            j = i + 3
            while j < self.n and src[j] not in "\n`" and not src[j].isspace():
                j += 1
            if j < self.n and src[j] == "\n" and j > i + 3:
                self._push("pre", i, j + 1 - i)
                self.open[-1].language = src[i + 3 : j]
                return j + 1
            return self._push("pre", i, 3)
        if c in RESERVED:
            raise MarkdownError(f"Character '{c}' is reserved and must be escaped with the preceding '\\'")
        self._emit(c)
        return i + 1

    def _push(self, kind: str, i: int, width: int) -> int:
        if any(o.kind == kind for o in self.open):
            raise MarkdownError(f"Can't find end of {_NAMES[kind]} entity at byte offset {self._at(i)}")
        self.open.append(_Open(kind, self.utf16, self._at(i), self.plain_len))
        return i + width

    def _close(self, top: _Open, i: int) -> int:
        self.open.pop()
        end = i + len(_MARKS[top.kind])
        entity: Entity = {"type": top.kind, "offset": top.offset, "length": self.utf16 - top.offset}
        if top.kind in ("text_link", "custom_emoji"):
            target, end = self._link_target(end, top)
            if top.kind == "custom_emoji":
                if not target.startswith("tg://emoji?id=") or not target[len("tg://emoji?id="):].isdigit():
                    raise MarkdownError("Custom emoji entity must contain a tg://emoji URL")
                entity["custom_emoji_id"] = target[len("tg://emoji?id="):]
            else:
                entity["url"] = target
        if top.kind == "pre" and top.language:
            entity["language"] = top.language
        if entity["length"] > 0 and (top.kind != "text_link" or entity["url"]):
            self.entities.append(entity)
        return end

    def _link_target(self, i: int, top: _Open) -> tuple[str, int]:
        if i >= self.n or self.src[i] != "(":
            return "".join(self.out)[top.text_at :], i
        chars: list[str] = []
        j = i + 1
        while j < self.n and self.src[j] != ")":
            if self.src[j] == "\\" and j + 1 < self.n:
                j += 1
            chars.append(self.src[j])
            j += 1
        if j >= self.n:
            raise MarkdownError(f"Can't find end of a URL at byte offset {self._at(i + 1)}")
        return "".join(chars), j + 1


_LEGACY_KINDS = {"_": "italic", "*": "bold", "`": "code", "[": "text_link"}


def parse_markdown(source: str) -> tuple[str, list[Entity]]:
    """The legacy Markdown parse mode: *bold*, _italic_, `code`, ```pre```, [text](url); no nesting."""
    out: list[str] = []
    entities: list[Entity] = []
    utf16, i, n = 0, 0, len(source)
    while i < n:
        c = source[i]
        if c == "\\" and i + 1 < n and source[i + 1] in "_*`[":
            out.append(source[i + 1])
            utf16 += 1
            i += 2
            continue
        if c not in _LEGACY_KINDS:
            out.append(c)
            utf16 += utf16_len(c)
            i += 1
            continue
        begin = i
        kind, end_mark = _LEGACY_KINDS[c], "]" if c == "[" else c
        i += 1
        language = ""
        if source.startswith("```", begin):
            kind, end_mark, i = "pre", "```", begin + 3
            line_end = source.find("\n", i)
            if line_end != -1 and source[i:line_end] and not any(ch.isspace() for ch in source[i:line_end]):
                language, i = source[i:line_end], line_end + 1
        close = source.find(end_mark, i)
        if close == -1:
            at = len(source[:begin].encode("utf-8"))
            raise MarkdownError(f"Can't find end of the entity starting at byte offset {at}")
        inner = source[i:close]
        entity: Entity = {"type": kind, "offset": utf16, "length": utf16_len(inner)}
        i = close + len(end_mark)
        if kind == "text_link":
            if not source.startswith("(", i) or source.find(")", i) == -1:
                entity["url"] = inner
            else:
                entity["url"], i = source[i + 1 : source.find(")", i)], source.find(")", i) + 1
        if language:
            entity["language"] = language
        out.append(inner)
        utf16 += entity["length"]
        if entity["length"] and (kind != "text_link" or entity["url"]):
            entities.append(entity)
    return "".join(out), entities
