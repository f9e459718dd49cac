"""Checks that csops-core's modules import one another without a circle: the top-level modules,
and the submodules of each module that is a folder (`health/`: `bands`, `kernel`, `lanes`, …).

    python3 scripts/module_cycles.py   (exit 1 and the circle when there is one)

A module's imports are its `crate::module` paths and the crate root's re-exports it names
(`crate::Request` is `workflow`), outside its tests and doc comments; a submodule's are its
`super::sibling` and `crate::folder::sibling` paths.
"""

import glob
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(__file__), "..", "csops-core", "src")

# The crate root's re-exports (lib.rs `pub use`), by the module that defines them.
lib = open(os.path.join(ROOT, "lib.rs")).read()
REEXPORTS = {}
for module, names in re.findall(r"pub use (\w+)::\{?([^;}]*)\}?;", lib):
    for name in re.split(r"[,\s]+", names):
        if name:
            REEXPORTS[name] = module


def code_of(text: str) -> str:
    """The text outside tests and comments."""
    i = text.find("#[cfg(test)]")
    if i >= 0:
        text = text[:i]
    return "\n".join(line for line in text.split("\n") if not line.strip().startswith("//"))


def imports(text: str) -> set[str]:
    text = code_of(text)
    found = set(re.findall(r"crate::([a-z_]+)\b", text))
    found |= {REEXPORTS[n] for n in re.findall(r"crate::([A-Za-z_]+)\b", text) if n in REEXPORTS}
    for group in re.findall(r"use crate::\{([^}]*)\}", text):
        for name in re.split(r"[,\s]+", group):
            if name in REEXPORTS:
                found.add(REEXPORTS[name])
    return found


modules: dict[str, set[str]] = {}
for path in glob.glob(os.path.join(ROOT, "**", "*.rs"), recursive=True):
    rel = os.path.relpath(path, ROOT)
    if rel == "lib.rs" or rel.endswith("tests.rs"):
        continue
    top = rel.split(os.sep)[0].removesuffix(".rs")
    modules.setdefault(top, set()).update(imports(open(path).read()))
for name, deps in modules.items():
    deps.discard(name)
    deps &= set(modules)


def circles_of(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components: any with two or more modules is a circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for m in sorted(graph):
        if m not in index:
            visit(m)
    return found


# The submodules of each folder module, and the siblings each imports.
folders: dict[str, dict[str, set[str]]] = {}
for folder in sorted(p for p in os.listdir(ROOT) if os.path.isdir(os.path.join(ROOT, p))):
    files = [f for f in glob.glob(os.path.join(ROOT, folder, "*.rs"))
             if os.path.basename(f) != "mod.rs" and not f.endswith("tests.rs")]
    names = {os.path.basename(f).removesuffix(".rs") for f in files}
    graph: dict[str, set[str]] = {}
    for f in files:
        text = code_of(open(f).read())
        name = os.path.basename(f).removesuffix(".rs")
        used = set(re.findall(r"super::([a-z_]+)\b", text))
        used |= set(re.findall(rf"crate::{folder}::([a-z_]+)\b", text))
        for group in re.findall(r"use super::\{([^}]*)\}", text):
            used |= {n for n in re.split(r"[,\s]+", group) if n in names}
        graph[name] = (used & names) - {name}
    folders[folder] = graph

circles = [(None, c) for c in circles_of(modules)]
circles += [(folder, c) for folder, graph in folders.items() for c in circles_of(graph)]
if circles:
    for folder, c in circles:
        graph = modules if folder is None else folders[folder]
        where = "" if folder is None else f" ({folder}/)"
        print(f"import circle among{where}: " + ", ".join(c))
        for m in c:
            print(f"  {m} imports {', '.join(sorted(graph[m] & set(c)))}")
    sys.exit(1)
sub = sum(len(g) for g in folders.values())
print(f"csops-core: {len(modules)} modules and {sub} submodules, no import circle")
