"""Every public name of `csops` says what it is (issue 14, "Docs").

`help()` is how a notebook user reads the API, so each public class, method, function and
property of `csops`, `csops.gitlab` and `csops.metrics` has a docstring; a constructor's
arguments are named in its class's docstring (pyo3 drops the doc of `#[new]`); the command
dict and the time formats are documented once, in the package docstring's "Commands" and
"Times" sections, and `Workflow.apply` points there.
"""

from __future__ import annotations

import inspect
import pydoc
import re
import sys
import types
from collections.abc import Iterator
from typing import Any

import pytest

import csops
from csops import gitlab, metrics

MODULES = [csops, gitlab, metrics]

# Kinds of class attribute whose docstring is their own (a property's, a getter's, a method's);
# anything else found in a class's namespace (enum members, class constants) is data.
DESCRIPTORS = (
    property,
    types.GetSetDescriptorType,
    types.MemberDescriptorType,
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodDescriptorType,
    types.ClassMethodDescriptorType,
    staticmethod,
    classmethod,
)


def public_names(module: types.ModuleType) -> list[str]:
    names: list[str] = module.__all__
    return names


def own_doc(attr: Any) -> str | None:
    """The docstring `attr` itself carries (never one inherited from a base class)."""
    if isinstance(attr, (staticmethod, classmethod)):
        attr = attr.__func__
    doc: str | None = attr.__doc__
    return doc


def public_members() -> Iterator[tuple[str, type, str, Any]]:
    """(qualified name, class, attribute name, attribute) of every public attribute a public
    class defines itself: its methods, static methods and properties."""
    seen: set[type] = set()
    for module in MODULES:
        for name in public_names(module):
            cls = getattr(module, name)
            if not isinstance(cls, type) or cls in seen:
                continue
            seen.add(cls)
            for attr_name, attr in vars(cls).items():
                if attr_name.startswith("_"):
                    continue
                if isinstance(attr, cls) or not isinstance(attr, DESCRIPTORS):
                    continue  # an enum member or a class constant
                yield f"{module.__name__}.{name}.{attr_name}", cls, attr_name, attr


def public_objects() -> Iterator[tuple[str, Any]]:
    for module in MODULES:
        for name in public_names(module):
            yield f"{module.__name__}.{name}", getattr(module, name)


def test_the_walk_finds_the_surface() -> None:
    # A walk that found nothing would pass every check below.
    members = {qualified for qualified, *_ in public_members()}
    assert "csops.Workflow.apply" in members
    assert "csops.Request.id" in members
    assert "csops.Request.from_dict" in members
    assert "csops.Label.text" in members
    assert "csops.TransitionRejected.kind" in members
    assert "csops.gitlab.BoardReport.by_state" in members
    assert len(members) > 150


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_every_module_has_a_docstring(module: types.ModuleType) -> None:
    assert (module.__doc__ or "").strip()


@pytest.mark.parametrize("qualified,obj", list(public_objects()), ids=lambda x: str(x)[:60])
def test_every_public_name_is_documented(qualified: str, obj: Any) -> None:
    if isinstance(obj, (type, types.ModuleType)) or callable(obj):
        assert (obj.__doc__ or "").strip(), f"{qualified} has no docstring"
    else:
        # A constant (a list, a version string) has no docstring of its own: its module's
        # docstring says what it is.
        module, _, name = qualified.rpartition(".")
        assert re.search(rf"\b{re.escape(name)}\b", sys.modules[module].__doc__ or ""), (
            f"{qualified} is not described in {module}'s docstring"
        )


@pytest.mark.parametrize(
    "qualified,cls,name,attr", list(public_members()), ids=lambda x: str(x)[:80]
)
def test_every_method_and_property_is_documented(
    qualified: str, cls: type, name: str, attr: Any
) -> None:
    assert (own_doc(attr) or "").strip(), f"{qualified} has no docstring"


def constructor_parameters(cls: type) -> list[str]:
    """The names of the arguments `cls(...)` takes, from its text signature (pyo3's `#[new]`)
    or its `__init__`; [] when it takes none or says nothing."""
    if issubclass(cls, BaseException) or issubclass(cls, str):
        return []  # exceptions and the str enums take the usual arguments
    try:
        signature = inspect.signature(cls)
    except (TypeError, ValueError):
        return []
    return [
        p.name
        for p in signature.parameters.values()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]


@pytest.mark.parametrize(
    "qualified,cls",
    [(q, o) for q, o in public_objects() if isinstance(o, type)],
    ids=lambda x: str(x)[:60],
)
def test_a_constructors_arguments_are_named_in_its_class_docstring(
    qualified: str, cls: type
) -> None:
    # pyo3 shows no docstring for `#[new]`: the class's docstring is what help() shows.
    doc = cls.__doc__ or ""
    for param in constructor_parameters(cls):
        assert re.search(rf"\b{re.escape(param)}\b", doc), (
            f"{qualified}({param}=...) is not described in the class docstring"
        )


def callables() -> Iterator[tuple[str, Any]]:
    """Every public function and method (static methods unwrapped)."""
    for qualified, obj in public_objects():
        if callable(obj) and not isinstance(obj, type):
            yield qualified, obj
    for qualified, _cls, _name, attr in public_members():
        if isinstance(attr, (staticmethod, classmethod)):
            yield qualified, attr.__func__
        elif callable(attr) and not isinstance(attr, (property, types.GetSetDescriptorType)):
            yield qualified, attr


@pytest.mark.parametrize("qualified,fn", list(callables()), ids=lambda x: str(x)[:60])
def test_every_argument_is_named_in_its_docstring(qualified: str, fn: Any) -> None:
    # What an input accepts is said where the input is named.
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        pytest.skip(f"{qualified} has no signature")
    doc = fn.__doc__ or ""
    for param in signature.parameters:
        if param in ("self", "cls"):
            continue
        assert re.search(rf"\b{re.escape(param)}\b", doc), (
            f"{qualified}: argument {param!r} is not described in its docstring"
        )


def section(doc: str, title: str) -> str:
    """The text of a numpydoc-style section (a title underlined with dashes) of `doc`."""
    match = re.search(rf"^{title}\n-+\n(.*?)(?=^\w[^\n]*\n-+\n|\Z)", doc, re.S | re.M)
    assert match, f"the csops docstring has no {title!r} section"
    return match.group(1)


def test_the_package_docstring_has_commands_and_times() -> None:
    doc = csops.__doc__ or ""
    section(doc, "Commands")
    section(doc, "Times")


def test_every_command_type_is_listed_in_the_commands_section() -> None:
    commands = section(csops.__doc__ or "", "Commands")
    for kind in csops.COMMAND_TYPES:
        assert re.search(rf"^\s+{kind}\b", commands, re.M), f"command {kind!r} is not listed"


def documented_fields() -> dict[str, list[str]]:
    """Each command type's fields as the Commands section lists them: one line per type,
    `<type>  <field>, <field>  <what it does>` (`-` for no fields)."""
    commands = section(csops.__doc__ or "", "Commands")
    fields: dict[str, list[str]] = {}
    for kind in csops.COMMAND_TYPES:
        line = re.search(rf"^\s+{kind}\s+(-|[a-z_]+(?:, [a-z_]+)*)\s", commands, re.M)
        assert line, f"command {kind!r} has no line `{kind}  <fields>  ...`"
        fields[kind] = [] if line.group(1) == "-" else line.group(1).split(", ")
    return fields


# One usable value of every field any command takes.
FIELD_VALUES: dict[str, Any] = {
    "workstream": "Gainsight",
    "question": "Which report?",
    "answer": "The NPS one.",
    "reason": "Duplicate of #7.",
    "team": "Support",
    "weight": 3,
    "hours": 2.5,
    "assignee": "omar",
    "reviewer": "gia",
    "summary": "Combined the rules.",
    "due": "2026-01-09T10:00:00Z",
    "comment": "Rename the rule.",
    "checklist": {"handbook_updated": "not_applicable"},
}


def command_error_key(wf: csops.Workflow, command: dict[str, Any]) -> str | None:
    """The `.key` of the InputError that reading `command` raises, or None when it reads
    (whether the workflow then accepts or rejects it)."""
    request = csops.Request.from_dict(
        {"id": 1, "author": "rita", "labels": ["CSOps"], "created_at": "2026-01-05T09:00:00Z"}
    )
    try:
        wf.can_apply(request, command, actor="lena", at="2026-01-06T10:00:00Z")
    except csops.InputError as e:
        key: str = e.key
        return key
    except csops.TransitionRejected:
        pass
    return None


def test_the_commands_section_lists_each_types_fields_as_the_engine_reads_them() -> None:
    wf = csops.Workflow(directory={"lena": ["workstream_lead:Gainsight"], "omar": ["cs_ops"]})
    fields = documented_fields()
    assert set(FIELD_VALUES) == {f for fs in fields.values() for f in fs}, (
        "FIELD_VALUES and the documented fields differ"
    )
    for kind, own in fields.items():
        command = {"type": kind, **{f: FIELD_VALUES[f] for f in own}}
        assert command_error_key(wf, command) is None, f"{kind} does not read {own}"
        for other in sorted(set(FIELD_VALUES) - set(own)):
            key = command_error_key(wf, {"type": kind, other: FIELD_VALUES[other]})
            assert key is not None and key.startswith("command."), (
                f"{kind} reads {other!r}, which its line does not list"
            )


def test_the_times_section_gives_the_formats_at_accepts() -> None:
    times = section(csops.__doc__ or "", "Times")
    assert "2026-01-06T10:00:00Z" in times
    assert "RFC 3339" in times
    assert "naive" in times


def help_text(obj: Any) -> str:
    """What `help(obj)` prints (pydoc's bold overstrikes removed)."""
    return re.sub(".\b", "", pydoc.render_doc(obj))


@pytest.mark.parametrize(
    "member",
    [
        csops.Workflow,
        csops.Workflow.apply,
        csops.Workflow.can_apply,
        csops.Workflow.sla_breaches,
    ],
    ids=lambda m: m.__qualname__,
)
def test_the_workflow_points_to_commands_and_times(member: Any) -> None:
    text = help_text(member)
    if member is not csops.Workflow.sla_breaches:
        assert "Commands" in text
    assert "Times" in text


def test_help_of_the_workflow_class_says_what_a_command_is_and_which_times_it_takes() -> None:
    text = help_text(csops.Workflow)
    assert "Commands" in text and "Times" in text
    assert '"type"' in text
