#!/usr/bin/env python3
"""Keeps code in Markdown files identical to the built examples.

A code block preceded by `<!-- snippet: PATH#NAME -->` must contain exactly
the lines between the two `// [snippet:NAME]` markers in PATH (relative to
the repository root); `# [snippet:NAME]` in CMake files. `--write` refreshes
the blocks instead of checking.
"""
import pathlib
import re
import sys

MARK = re.compile(r"<!-- snippet: (?P<path>[^#\s]+)#(?P<name>[\w-]+) -->\n```(?P<lang>\w*)\n(?P<body>.*?)```",
                  re.S)


def region(root, path, name):
    text = (root / path).read_text().splitlines(keepends=True)
    wanted = (f"// [snippet:{name}]", f"# [snippet:{name}]")
    marks = [i for i, line in enumerate(text) if line.strip() in wanted]
    if len(marks) != 2:
        raise SystemExit(f"{path}: expected two '// [snippet:{name}]' markers, found {len(marks)}")
    return "".join(text[marks[0] + 1:marks[1]])


def main():
    root = pathlib.Path(sys.argv[1])
    write = "--write" in sys.argv
    docs = [pathlib.Path(a) for a in sys.argv[2:] if a != "--write"]
    stale = 0
    checked = 0
    for doc in docs:
        text = doc.read_text()

        def fix(m):
            nonlocal stale, checked
            checked += 1
            want = region(root, m["path"], m["name"])
            if m["body"] != want:
                stale += 1
                print(f"{doc}: snippet {m['path']}#{m['name']} differs from the source")
            return f"<!-- snippet: {m['path']}#{m['name']} -->\n```{m['lang']}\n{want}```"

        new = MARK.sub(fix, text)
        if write and new != text:
            doc.write_text(new)
    print(f"{checked} snippets checked, {stale} stale")
    if checked == 0:
        raise SystemExit("no snippets found: the README lost its markers")
    if stale and not write:
        raise SystemExit("run: python3 tests/docs/snippets.py . README.md --write")


main()
