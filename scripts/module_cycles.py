"""Checks that csops-core's top-level modules import one another without a circle.

    python3 scripts/module_cycles.py   (exit 1 and the circle when there is one)

A module's imports are its `crate::module` paths and the crate root's re-exports it names
(`crate::Request` is `workflow`), outside its tests and doc comments.
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


def imports(text: str) -> set[str]:
    i = text.find("#[cfg(test)]")
    if i >= 0:
        text = text[:i]
    text = "\n".join(line for line in text.split("\n") if not line.strip().startswith("//"))
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

# Tarjan's strongly connected components: any with two or more modules is a circle.
index: dict[str, int] = {}
low: dict[str, int] = {}
stack: list[str] = []
circles: list[list[str]] = []


def visit(v: str) -> None:
    index[v] = low[v] = len(index)
    stack.append(v)
    for w in sorted(modules[v]):
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
            circles.append(sorted(component))


for m in sorted(modules):
    if m not in index:
        visit(m)
if circles:
    for c in circles:
        print("import circle among: " + ", ".join(c))
        for m in c:
            print(f"  {m} imports {', '.join(sorted(modules[m] & set(c)))}")
    sys.exit(1)
print(f"csops-core: {len(modules)} modules, no import circle")
