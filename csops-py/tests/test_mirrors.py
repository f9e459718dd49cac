"""The Python mirrors of the Rust enums must name the same members, in the same order."""

import csops
from csops import _csops


def test_state_mirror_matches_rust() -> None:
    assert [s.value for s in csops.State] == _csops.STATES


def test_rejection_kind_mirror_matches_rust_and_precedence() -> None:
    assert [k.value for k in csops.RejectionKind] == _csops.REJECTION_KINDS


def test_other_names_are_exported() -> None:
    assert "triage" in csops.COMMAND_TYPES and "relabel" in csops.COMMAND_TYPES and len(csops.COMMAND_TYPES) == 21
    assert csops.WORKSTREAMS == ["Digital", "Gainsight", "Scale", "ROPS", "ProductUsageReporting", "Analytics", "TechnicalWriting"]
    assert set(csops.__all__) <= set(dir(csops))
