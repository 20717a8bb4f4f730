"""Walks one application's accessible tree through AT-SPI, from outside its process, as a screen reader (Orca) does,
and prints one JSON line: every showing, focusable control without a name, and how many controls were seen.

Run by the system's python3 (Debian's ``python3-pyatspi``; scripts/setup.sh installs it), not the virtualenv's:
``python3 tests/screen/atspi_tree.py PID``. Views' cells (tables, lists, trees) are not walked one by one: the view
is the control a reader names, its cells are read out by their text, and walking them costs a D-Bus call each."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import pyatspi  # type: ignore[import-not-found,unused-ignore]

#: A reader names the view; its cells are named by what they hold.
VIEWS = {"table", "tree table", "list", "tree", "list box"}
#: Cells and the window's own frame: not controls a keyboard lands on by name.
NOT_CONTROLS = {"table cell", "list item", "tree item", "frame", "window", "column header", "row header"}


def _app(pid: int, deadline: float) -> Any:
    while True:
        desktop = pyatspi.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            app = desktop.getChildAtIndex(i)
            if app is not None and app.get_process_id() == pid:
                return app
        if time.monotonic() > deadline:
            raise SystemExit(f"no application with process id {pid} on the accessibility bus")
        time.sleep(0.2)  # the application registers itself once its first window shows: polled, with a deadline


def _path(node: Any) -> str:
    parts = []
    while node is not None and node.getRoleName() != "application":
        name = node.name or ""
        parts.append(f"{node.getRoleName()}{f' {name!r}' if name else ''}")
        node = node.parent
    return " < ".join(parts)


def _values(combo: Any) -> set[str]:
    """The texts a combo box offers (its popup's items): a combo box without a name of its own is read out by the
    one chosen, which says what is chosen but not what is being chosen."""
    values: set[str] = set()
    for i in range(combo.childCount):
        child = combo.getChildAtIndex(i)
        if child is not None and child.getRoleName() in ("list", "menu"):
            values.update(child.getChildAtIndex(j).name or "" for j in range(min(child.childCount, 50)))
    return values


def _labelled(node: Any) -> bool:
    """Whether a label names ``node`` (a form's "Where:" beside its field): a reader says the label first."""
    for relation in node.getRelationSet():
        if relation.getRelationType() == pyatspi.RELATION_LABELLED_BY:
            targets = (relation.getTarget(i) for i in range(relation.getNTargets()))
            if any(target is not None and (target.name or "").strip() for target in targets):
                return True
    return False


def walk(pid: int) -> dict[str, object]:
    unnamed: list[str] = []
    seen: list[str] = []
    stack = [_app(pid, time.monotonic() + 20)]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        states = node.getState()
        role = node.getRoleName()
        if role != "application" and not states.contains(pyatspi.STATE_SHOWING):
            continue  # hidden: neither it nor what it holds is read out
        if states.contains(pyatspi.STATE_FOCUSABLE) and role not in NOT_CONTROLS:
            label = f"{role} {node.name!r}" if node.name else role
            seen.append(label)
            if not (node.name or "").strip():
                unnamed.append(_path(node))
            elif role == "combo box" and not _labelled(node) and node.name in _values(node):
                unnamed.append(f"{_path(node)} (named only by its value)")
        if role in VIEWS:
            continue
        stack.extend(node.getChildAtIndex(i) for i in range(node.childCount))
    return {"unnamed": unnamed, "controls": len(seen), "seen": seen}


if __name__ == "__main__":
    print(json.dumps(walk(int(sys.argv[1]))))
