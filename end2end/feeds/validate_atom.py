#!/usr/bin/env python3
"""Validates Atom feeds: RFC 4287's RELAX NG grammar (atom.rnc, its Appendix B, as atom.rng)
through lxml,
then the rules the RFC states in prose and Schematron, which a grammar cannot:

- a feed has an author, or every entry has one (4.1.1);
- at most one alternate link per type and hreflang (4.1.1, 4.1.2);
- entry ids are unique in the feed, and ids are absolute IRIs (4.2.6);
- dates are RFC 3339 with a time zone (3.3).

Usage: validate_atom.py FEED.atom...; prints one line per problem, exits 1 if there are any.
"""
import re
import sys
from pathlib import Path

from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def grammar():
    return etree.RelaxNG(etree.parse(str(Path(__file__).with_name("atom.rng"))))


def prose_rules(feed):
    problems = []
    entries = feed.findall(ATOM + "entry")
    if feed.find(ATOM + "author") is None:
        for entry in entries:
            if entry.find(ATOM + "author") is None:
                problems.append("an entry without an author in a feed without one")
    ids = [entry.findtext(ATOM + "id") for entry in entries]
    if len(ids) != len(set(ids)):
        problems.append("entry ids repeat")
    for element in [feed] + entries:
        alternates = [
            (link.get("type"), link.get("hreflang"))
            for link in element.findall(ATOM + "link")
            if link.get("rel", "alternate") == "alternate"
        ]
        if len(alternates) != len(set(alternates)):
            problems.append("two alternate links of one type and language")
        if element is not feed and not alternates and element.find(ATOM + "content") is None:
            problems.append("an entry with neither content nor an alternate link")
        for tag in ("id",):
            value = element.findtext(ATOM + tag) or ""
            if not ABSOLUTE.match(value):
                problems.append(f"{tag} is not an absolute IRI: {value!r}")
        for tag in ("updated", "published"):
            value = element.findtext(ATOM + tag)
            if value is not None and not DATE.match(value):
                problems.append(f"{tag} is not an RFC 3339 date: {value!r}")
    return problems


def main(paths):
    schema = grammar()
    failed = False
    for path in paths:
        try:
            document = etree.parse(path)
        except etree.XMLSyntaxError as error:
            print(f"{path}: not well-formed XML: {error}")
            failed = True
            continue
        problems = []
        if not schema.validate(document):
            problems += [f"line {e.line}: {e.message}" for e in schema.error_log]
        problems += prose_rules(document.getroot())
        for problem in problems:
            print(f"{path}: {problem}")
        failed = failed or bool(problems)
        if not problems:
            print(f"{path}: valid Atom")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
