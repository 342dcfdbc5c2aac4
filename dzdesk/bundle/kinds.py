"""The kinds of signed file dzdesk exchanges, and what each one's manifest may list.

Every kind is the same container (docs/bundle-format.md, sections 1-5 and 8):
a zip whose ``manifest.json`` lists each member with its role, size and
SHA-256, signed in ``signature.json``. A kind says which roles it has (at a
fixed path, or content-addressed under a folder), which must be present,
which are JSON documents the verifier parses, how the rest of its manifest
(its header) is checked, and how its messages name it. The container code
(container.py) knows nothing else about a kind.

| kind | file | what |
|---|---|---|
| assessment | .dzb | a branch's finalized self-assessment (上报文件) |
| profile | .dzp | a committee's 分类定级标准 (templates per branch kind, quota, deadlines) |
| feedback | .dzf | a committee's 考核反馈 to one branch for one period |
| rollup | .dzr | a committee's 分类定级情况 for the 局党委 |
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

KIND_ASSESSMENT = "assessment"
KIND_PROFILE = "profile"
KIND_FEEDBACK = "feedback"
KIND_ROLLUP = "rollup"
KIND_FIELD = "kind"  # in manifest.json; absent means "assessment" (bundles written before kinds existed)
# how each kind's files are named in messages, and their file name suffix
LABELS = {
    KIND_ASSESSMENT: ("上报文件", ".dzb"),
    KIND_PROFILE: ("分类定级标准文件", ".dzp"),
    KIND_FEEDBACK: ("考核反馈文件", ".dzf"),
    KIND_ROLLUP: ("分类定级情况上报文件", ".dzr"),
}


@dataclass(frozen=True)
class KindSpec:
    name: str
    fixed: Mapping[str, str]  # role -> its one member path
    addressed: Mapping[str, str] = field(default_factory=dict)  # role -> folder ("evidence/"): path = folder + sha256
    required: tuple[str, ...] = ()  # roles that must be listed
    json_members: tuple[str, ...] = ()  # paths parsed in memory (at most MAX_JSON_BYTES each)
    json_roles: tuple[str, ...] = ()  # roles whose every member is kept in memory likewise (templates)
    pdf_roles: Mapping[str, str] = field(default_factory=dict)  # role -> what it is (自评报告): must start with %PDF-
    first: str = ""  # the JSON member read before the others (its names label damaged files in messages)
    # checks the kind's own manifest fields (beyond format, kind, signer and entries); returns what the
    # kind keeps of them (for an assessment, the branch profile); raises BundleError
    check_header: Callable[[dict[str, Any]], Any] = lambda raw: None
    # reads the first member once: (member sha256 -> the name a person gave that file, for messages only;
    # the parsed document, handed to the kind's content check so it is not parsed twice, or None)
    names_from: Callable[[bytes], tuple[dict[str, str], Any]] | None = None

    @property
    def label(self) -> str:
        return LABELS[self.name][0]

    @property
    def suffix(self) -> str:
        return LABELS[self.name][1]

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(self.fixed) | frozenset(self.addressed)

    def relabel(self, text: str) -> str:
        """A message of the shared container code, worded for this kind's files."""
        if self.name == KIND_ASSESSMENT:
            return text
        return text.replace("上报文件（.dzb）", f"{self.label}（{self.suffix}）").replace("上报文件", self.label)
