"""Finding English left on a page served in another language.

A page in French, Spanish or Arabic is read as a person reads it: its visible text, its title,
and the words only some people meet (aria-label, title, alt, placeholder, the words of a
button). A piece of that text is English left behind when

(a) it is the English of a catalogue entry that has a translation in that language (the
    string is marked and translated, yet the page shows the English: a catalogue not compiled,
    a string rendered outside the active language, text built before the language was chosen);
(b) the page in English shows the same text, it reads as English (at least two of a few common
    English words, or two words of the service's English that the language's translations never
    use) and it is not data: people's and departments' names, job roles, course
    content from the CMS, framework texts, which are not translated by the catalogues.

Both tests compare what remains once the data a piece of text quotes is taken out of it, so that
"Amina Okafor, Citizen service officer" is data, and "You are signed in as Amina Okafor." is not.
"""

import functools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from lms.catalogues import catalogues, entries

# fmt: off
STOP_WORDS = frozenset({
    "the", "and", "your", "of", "to", "for", "you", "is", "are", "this", "with", "not", "has",
    "have", "who", "what", "how", "by", "in", "on", "an", "a",
})
# English words that come alone, with figures, in dates and durations ("5 Jan 2027",
# "40 min"): one of them is enough, since the catalogues and Django's formats translate them.
DATE_WORDS = frozenset({
    "january", "february", "march", "april", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "min", "mins", "minute", "minutes", "hour", "hours", "day", "days",
})
# Units of time the other languages write the same way ("10 min" in French and Spanish).
SHARED_UNITS = {
    "fr": frozenset({"min", "minute", "minutes"}),
    "es": frozenset({"min"}),
}


@functools.cache
def shared_date_words(language: str) -> frozenset[str]:
    """The words of DATE_WORDS that `language` also writes, in Django's own names of months
    and days in that language ("Jan" is French too, "oct" Spanish) or as a unit of time."""
    from django.utils import dates, translation

    with translation.override(language):
        names = [
            str(name)
            for table in (dates.MONTHS, dates.MONTHS_3, dates.MONTHS_AP, dates.WEEKDAYS)
            for name in table.values()
        ]
    return frozenset(words(" ".join(names)) | SHARED_UNITS.get(language, frozenset()))
# Elements whose text nobody reads on the page.
SKIPPED_ELEMENTS = frozenset({"script", "style", "template"})
# Elements that end a run of text: the words either side belong to different pieces.
BLOCK_ELEMENTS = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "button", "caption", "dd",
    "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "html", "img", "input", "label",
    "legend", "li", "main", "meta", "nav", "ol", "option", "p", "pre", "section", "select",
    "summary", "table", "tbody", "td", "textarea", "tfoot", "th", "thead", "title", "tr", "ul",
})
VOID_ELEMENTS = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
})
# fmt: on
READ_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")
BUTTON_INPUTS = frozenset({"submit", "button", "reset"})
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{[^{}]*\}")
TAG = re.compile(r"<[^>]+>")
WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")


def normalise(text: str) -> str:
    """Whitespace collapsed, no space before the punctuation that follows an inline element."""
    words = " ".join(text.split())
    return re.sub(r" ([,.;:!?)])", r"\1", words)


class _Reader(HTMLParser):
    """Collects the runs of text between block boundaries, and the read attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.run: list[str] = []
        self.skipping = 0
        self.stack: list[str] = []
        # The language in effect inside each open element, and the page's own: words an
        # element declares to be in another language (a language's own name in the switcher,
        # course content not yet translated) are meant to be in it.
        self.languages: list[str] = []
        self.page_language = ""
        # Whether the run holds words outside any link: links side by side with nothing else
        # between them ("Sign in" "Create an account") are pieces of their own.
        self.words_outside_links = False

    def _end_run(self):
        text = normalise("".join(self.run))
        if text:
            self.pieces.append(text)
        self.run = []
        self.words_outside_links = False

    def _foreign(self, language: str) -> bool:
        primary = language.split("-")[0].lower()
        return bool(primary and self.page_language) and primary != self.page_language

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        inherited = self.languages[-1] if self.languages else ""
        language = attributes.get("lang") or inherited
        if tag == "html":
            self.page_language = language.split("-")[0].lower()
        if tag in SKIPPED_ELEMENTS:
            self.skipping += 1
        if tag not in VOID_ELEMENTS:
            self.stack.append(tag)
            self.languages.append(language)
        if (
            tag in BLOCK_ELEMENTS
            or (tag == "a" and not self.words_outside_links)
            or self._foreign(language) != self._foreign(inherited)
        ):
            self._end_run()
        if self._foreign(language):
            return
        for name in READ_ATTRIBUTES:
            if attributes.get(name):
                self.pieces.append(normalise(attributes[name]))
        button = tag == "input" and (attributes.get("type") or "").lower() in BUTTON_INPUTS
        if button and attributes.get("value"):
            self.pieces.append(normalise(attributes["value"]))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS and self.stack and self.stack[-1] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag not in self.stack:
            return
        while self.stack:
            closed = self.stack.pop()
            language = self.languages.pop()
            inherited = self.languages[-1] if self.languages else ""
            if closed in SKIPPED_ELEMENTS:
                self.skipping -= 1
            if closed in BLOCK_ELEMENTS or self._foreign(language) != self._foreign(inherited):
                self._end_run()
            if closed == tag:
                break

    def handle_data(self, data):
        if not self.skipping and not (self.languages and self._foreign(self.languages[-1])):
            self.run.append(data)
            if data.strip() and "a" not in self.stack:
                self.words_outside_links = True

    def close(self):
        super().close()
        self._end_run()


def visible_texts(html: str) -> list[str]:
    """The pieces of text a person meets on the page, in page order, without repeats; not
    those an element says are in another language than the page's."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return list(dict.fromkeys(piece for piece in reader.pieces if piece))


def english_words(text: str) -> list[str]:
    return [word for word in WORD.findall(text.lower()) if word in STOP_WORDS]


def words(text: str) -> set[str]:
    return set(WORD.findall(text.lower()))


COUNT_NAMES = frozenset({"count", "number", "n", "num", "total", "counter", "line"})
# A number as the page writes it (Arabic separators included).
NUMBER = "[\\d.,\\s\u066b\u066c]+"


def _is_count(placeholder: str) -> bool:
    """Whether a placeholder stands for a number ("%d", "%(count)s")."""
    name = re.match(r"%\(([^)]+)\)", placeholder)
    return placeholder[-1] in "di" or bool(name and name[1] in COUNT_NAMES)


def _source_text(msgid: str) -> str:
    """A msgid as the page shows it: its markup gone (blocktranslate keeps links inside)."""
    return normalise(TAG.sub("", msgid))


@dataclass
class Catalogue:
    """Every project catalogue's English, with what each language made of it."""

    # English text (no placeholders) → the languages in which it has another translation.
    exact: dict[str, set[str]] = field(default_factory=dict)
    # English with placeholders: a pattern each, by language.
    patterns: dict[str, list[re.Pattern]] = field(default_factory=dict)
    # The words of the English strings, and of each language's translations.
    english: set[str] = field(default_factory=set)
    vocabulary: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, paths=None) -> "Catalogue":
        catalogue = cls()
        for path in paths if paths is not None else catalogues():
            language = path.parent.parent.name
            for entry in entries(path.read_text(encoding="utf-8")):
                if entry.obsolete or not entry.msgid or "fuzzy" in entry.flags:
                    continue
                for index, english in enumerate([entry.msgid, entry.msgid_plural]):
                    translated = entry.msgstr.get(min(index, max(entry.msgstr, default=0)), "")
                    if english:
                        catalogue.add(language, english, translated)
        return catalogue

    def add(self, language: str, english: str, translated: str) -> None:
        """Record that `english` reads `translated` in `language` (nothing if untranslated:
        then the page may well show the English, and test (b) is the one to find it)."""
        source, target = _source_text(english), _source_text(translated)
        self.english |= words(PLACEHOLDER.sub(" ", source))
        self.vocabulary.setdefault(language, set()).update(words(PLACEHOLDER.sub(" ", target)))
        literal = PLACEHOLDER.sub(" ", source)
        if not target or source == target or not re.search(r"[^\W\d_]{2}", literal):
            return
        if PLACEHOLDER.search(source):
            counts = [_is_count(found) for found in PLACEHOLDER.findall(source)]
            # A pattern of a single word and any text ("Page %(title)s") would take any text
            # starting with that word for it; with numbers only ("%(count)s learners") or
            # punctuation around the word ("%(audience)s, due %(date)s") it cannot.
            distinct = len(words(literal)) >= 2 or re.search(r"[^\w\s]", literal)
            if not (distinct or all(counts)):
                return
            parts = [re.escape(part) for part in PLACEHOLDER.split(source)]
            pattern = parts[0]
            for count, part in zip(counts, parts[1:], strict=True):
                pattern += (NUMBER if count else ".+?") + part
            pattern = re.compile(pattern)
            self.patterns.setdefault(language, []).append(pattern)
        else:
            self.exact.setdefault(source, set()).add(language)

    def translated_english(self, text: str, language: str) -> bool:
        """Whether `text` is the English of an entry translated into `language`."""
        if language in self.exact.get(text, ()):
            return True
        return any(pattern.fullmatch(text) for pattern in self.patterns.get(language, ()))

    def reads_as_english(self, text: str, language: str) -> bool:
        """Whether `text` reads as English rather than `language`: two of the common English
        words, an English month, day or unit of time in a date or duration, or two words of
        the service's English that its translations into `language` never use ("Download
        report" in a French page)."""
        dates = DATE_WORDS - shared_date_words(language)
        if len(english_words(text)) >= 2 or words(text) & dates:
            return True
        foreign = self.english - self.vocabulary.get(language, set())
        return len(words(text) & foreign) >= 2


@dataclass
class Data:
    """The texts the catalogues do not translate, as they appear on pages."""

    texts: set[str] = field(default_factory=set)
    _pattern: re.Pattern | None = None

    def add(self, value) -> None:
        if value is None:
            return
        if isinstance(value, dict):
            for item in value.values():
                self.add(item)
            return
        if isinstance(value, list | tuple):
            for item in value:
                self.add(item)
            return
        if not isinstance(value, str):
            return
        if "<" in value and ">" in value:
            for piece in visible_texts(value):
                self._add_text(piece)
            value = TAG.sub(" ", value)
        self._add_text(normalise(value))
        self._pattern = None

    def _add_text(self, text: str) -> None:
        if text and re.search(r"[^\W\d_]", text):
            self.texts.add(text)

    def residue(self, text: str) -> str:
        """`text` with every data it quotes taken out (longest first)."""
        if text in self.texts:
            return ""
        if self._pattern is None:
            quoted = sorted((t for t in self.texts if 2 < len(t) <= 300), key=len, reverse=True)
            self._pattern = re.compile(
                "|".join(rf"(?<!\w){re.escape(t)}(?!\w)" for t in quoted) or r"(?!x)x"
            )
        return normalise(self._pattern.sub(" ", text))


@dataclass(frozen=True)
class Leftover:
    text: str
    why: str


def leftovers(
    page: str, english_page: str, language: str, catalogue: Catalogue, data: Data
) -> list[Leftover]:
    """The English left on `page` (served in `language`), beside the same page in English."""
    in_english = set(visible_texts(english_page))
    found = []
    for text in visible_texts(page):
        residue = data.residue(text)
        if not residue:
            continue
        if catalogue.translated_english(text, language) or (
            residue != text and catalogue.translated_english(residue, language)
        ):
            found.append(Leftover(text, "translation exists"))
        elif text in in_english and catalogue.reads_as_english(residue, language):
            found.append(Leftover(text, "not translated"))
    return found
