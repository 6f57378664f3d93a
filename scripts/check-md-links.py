#!/usr/bin/env python3
"""Checks Markdown files for what a linter does not: that every code fence is closed, that
every relative link (and #anchor) resolves inside the repository, and that nothing points
outside it (../shared/...).

Usage: scripts/check-md-links.py FILE.md ...   (paths relative to the repository root)
Prints one line per problem, FILE:LINE: message, and exits 1 when there was any.

Anchors follow GitHub's rules for headings: the heading's text as rendered (inline code
keeps its text, links their text, emphasis marks go), lower case, every character that is not
a letter, a digit, a mark, `_`, `-` or a space dropped, spaces turned into `-`; a heading whose
anchor was taken already gets `-1`, `-2`, ... HTML `id="..."` and `name="..."` count too.
"""

import os
import re
import sys
import unicodedata
from urllib.parse import unquote

ROOT = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
INLINE_LINK = re.compile(r"!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*(<[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
REFERENCE_DEF = re.compile(r"^ {0,3}\[([^\]]+)\]:\s*(<[^>]*>|\S+)")
HTML_ID = re.compile(r"<[a-zA-Z][^>]*\s(?:id|name)\s*=\s*[\"']([^\"']+)[\"']")
DELIMITER_ROW = re.compile(r"^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?$")
OUTSIDE = re.compile(r"\.\./shared\b|shared/FEED_CONTRACT|FEED_CONTRACT\.md")


def strip_code_spans(text):
    """The text with each inline code span replaced by spaces of its length (for link search)."""
    out = []
    i = 0
    while i < len(text):
        if text[i] == "`":
            run = len(text[i:]) - len(text[i:].lstrip("`"))
            ticks = text[i:i + run]
            end = text.find(ticks, i + run)
            while end != -1 and end + run < len(text) and text[end + run] == "`":
                end = text.find(ticks, end + run + 1)
            if end == -1:
                out.append(ticks)
                i += run
                continue
            out.append(" " * (end + run - i))
            i = end + run
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def rendered_heading_text(text):
    """The heading's text roughly as GitHub renders it (for its anchor)."""
    pieces = []
    i = 0
    while i < len(text):  # code spans keep their content verbatim
        if text[i] == "`":
            run = len(text[i:]) - len(text[i:].lstrip("`"))
            ticks = text[i:i + run]
            end = text.find(ticks, i + run)
            if end != -1:
                pieces.append(("code", text[i + run:end].strip(" ")))
                i = end + run
                continue
        j = text.find("`", i + 1) if text[i] == "`" else text.find("`", i)
        j = len(text) if j == -1 else j
        pieces.append(("text", text[i:j]))
        i = j
    out = []
    for kind, piece in pieces:
        if kind == "text":
            piece = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", piece)  # links and images: their text
            piece = re.sub(r"<[^>]+>", "", piece)  # inline HTML tags
            piece = re.sub(r"(\*\*|__|\*|(?<!\w)_|_(?!\w))", "", piece)  # emphasis marks
            piece = piece.replace("\\", "")
        out.append(piece)
    return "".join(out)


def slug(text):
    result = []
    for ch in rendered_heading_text(text).strip().lower():
        if ch == " ":
            result.append("-")
        elif ch in "-_" or ch.isalnum() or unicodedata.category(ch).startswith("M"):
            result.append(ch)
    return "".join(result)


class Document:
    """A Markdown file: its lines outside code, its anchors, its fence problems."""

    def __init__(self, path):
        self.path = path
        with open(path, encoding="utf-8") as f:
            self.lines = f.read().split("\n")
        self.problems = []
        self.prose = []  # (line number, text) of lines outside fenced and indented code
        self.anchors = set()
        self._scan()

    def _scan(self):
        fence = None  # (char, length, line number) of the open fence
        counts = {}
        previous = ""  # the previous prose line, for setext headings
        for number, line in enumerate(self.lines, 1):
            m = FENCE.match(line)
            if fence:
                if m and m.group(2)[0] == fence[0] and len(m.group(2)) >= fence[1]:
                    if m.group(3).strip() == "":
                        fence = None
                    else:
                        self.problems.append((number, "this line looks like the closing fence of the code block opened at line %d, but text follows it on the same line, so it does not close the block" % fence[2]))
                continue
            if m and not (m.group(2)[0] == "`" and "`" in m.group(3)):
                fence = (m.group(2)[0], len(m.group(2)), number)
                previous = ""
                continue
            heading = ATX.match(line)
            if heading:
                self._add_anchor(slug(heading.group(2) or ""), counts)
                previous = ""
            elif SETEXT.match(line) and previous.strip() and not previous.lstrip().startswith(("|", "-", "*", "+", ">")):
                self._add_anchor(slug(previous.strip()), counts)  # the line above is a setext heading
                previous = ""
            else:
                previous = line
            for html_id in HTML_ID.findall(line):
                self.anchors.add(html_id)
            self.prose.append((number, line))
        if fence:
            self.problems.append((fence[2], "this code fence is never closed: everything after it renders as code"))
        self._check_tables()

    def _check_tables(self):
        """A line that starts with `|` outside a table renders as text (a table row left behind
        by a paragraph inserted into the table, or a table without its delimiter row)."""
        prose = dict(self.prose)
        in_table = False
        for number, line in self.prose:
            stripped = line.strip()
            if not stripped or number - 1 not in prose and in_table:
                in_table = False
            if not stripped:
                continue
            if stripped.startswith("|"):
                following = prose.get(number + 1, "")
                if not in_table and DELIMITER_ROW.match(following.strip()):
                    in_table = True
                elif not in_table:
                    self.problems.append((number, "this line starts like a table row but is not part of a table (no header and delimiter row above it in the same block), so it renders as text"))
            elif in_table:
                in_table = False

    def _add_anchor(self, anchor, counts):
        if anchor in counts:
            counts[anchor] += 1
            self.anchors.add("%s-%d" % (anchor, counts[anchor]))
        else:
            counts[anchor] = 0
            self.anchors.add(anchor)


documents = {}


def document(path):
    if path not in documents:
        documents[path] = Document(path)
    return documents[path]


def check_target(doc, number, target):
    target = target.strip()
    if target.startswith("<") and target.endswith(">"):
        target = target[1:-1]
    if not target or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):  # http:, https:, mailto:, ...
        return
    path_part, _, anchor = target.partition("#")
    path_part = path_part.split("?")[0]
    path_part = unquote(path_part)
    if path_part.startswith("/"):
        resolved = os.path.normpath(os.path.join(ROOT, path_part.lstrip("/")))
    elif path_part:
        resolved = os.path.normpath(os.path.join(os.path.dirname(doc.path), path_part))
    else:
        resolved = doc.path
    real = os.path.realpath(resolved)
    if real != ROOT and not real.startswith(ROOT + os.sep):
        doc.problems.append((number, "link %s points outside the repository" % target))
        return
    if not os.path.exists(resolved):
        doc.problems.append((number, "link %s: %s does not exist" % (target, os.path.relpath(resolved, ROOT))))
        return
    if anchor:
        if not resolved.endswith(".md") or os.path.isdir(resolved):
            return  # anchors into source files (#L10) are not checked
        if unquote(anchor) not in document(resolved).anchors:
            doc.problems.append((number, "link %s: %s has no heading with the anchor #%s" % (target, os.path.relpath(resolved, ROOT), anchor)))


def check(path):
    doc = document(os.path.normpath(os.path.join(ROOT, path)))
    references = set()
    for number, line in doc.prose:
        if OUTSIDE.search(line):
            doc.problems.append((number, "refers to a file outside the repository (%s)" % OUTSIDE.search(line).group(0)))
        definition = REFERENCE_DEF.match(line)
        if definition:
            references.add(definition.group(1).lower())
            check_target(doc, number, definition.group(2))
            continue
        text = strip_code_spans(line)
        for m in INLINE_LINK.finditer(text):
            check_target(doc, number, m.group(2))
    prose = {number for number, _ in doc.prose}
    for number, line in enumerate(doc.lines, 1):  # code blocks too: a command may name the path
        if number not in prose and OUTSIDE.search(line):
            doc.problems.append((number, "refers to a file outside the repository (%s)" % OUTSIDE.search(line).group(0)))
    return doc


def main(paths):
    if not paths:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    bad = 0
    for path in paths:
        doc = check(path)
        for number, message in sorted(doc.problems):
            print("%s:%d: %s" % (os.path.relpath(doc.path, ROOT), number, message))
            bad += 1
    print("check-md-links: %d file(s), %d problem(s)" % (len(paths), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
