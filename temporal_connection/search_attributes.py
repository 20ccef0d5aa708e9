"""The custom search attributes operators filter declarations by in the Temporal UI."""

from __future__ import annotations

from collections.abc import Sequence

from temporalio.common import SearchAttributeIndexedValueType, SearchAttributeKey

DECLARATION_ID = SearchAttributeKey.for_keyword("DeclarationId")
PROCEDURE = SearchAttributeKey.for_keyword("DeclarationProcedure")
PROVINCE_CODE = SearchAttributeKey.for_keyword("ProvinceCode")
COMMUNE_CODE = SearchAttributeKey.for_keyword("CommuneCode")
# Every step open at once (a death's residence removal, funeral allowance and survivor benefit
# run in parallel), so that `CurrentStep = "funeral_allowance"` finds the declaration.
CURRENT_STEP = SearchAttributeKey.for_keyword_list("CurrentStep")
STATUS = SearchAttributeKey.for_keyword("DeclarationStatus")
# Why a declaration ended as it did (`status_reason_code`), e.g. `start_not_attested` for a start
# the portal never filed.
STATUS_REASON = SearchAttributeKey.for_keyword("DeclarationStatusReason")
OVERDUE = SearchAttributeKey.for_bool("DeclarationOverdue")
# A step whose agency decision no trusted key verifies: held for an operator.
DECISION_HELD = SearchAttributeKey.for_bool("DecisionHeld")

ALL_KEYS: tuple[
    SearchAttributeKey[str] | SearchAttributeKey[Sequence[str]] | SearchAttributeKey[bool], ...
] = (
    DECLARATION_ID,
    PROCEDURE,
    PROVINCE_CODE,
    COMMUNE_CODE,
    CURRENT_STEP,
    STATUS,
    STATUS_REASON,
    OVERDUE,
    DECISION_HELD,
)


_CLI_TYPE_NAMES = {
    SearchAttributeIndexedValueType.KEYWORD: "Keyword",
    SearchAttributeIndexedValueType.KEYWORD_LIST: "KeywordList",
    SearchAttributeIndexedValueType.BOOL: "Bool",
    SearchAttributeIndexedValueType.DATETIME: "Datetime",
}


def dev_server_flags() -> list[str]:
    """`--search-attribute Name=Type` flags that register the attributes on a dev server."""
    flags: list[str] = []
    for key in ALL_KEYS:
        flags += ["--search-attribute", f"{key.name}={_CLI_TYPE_NAMES[key.indexed_value_type]}"]
    return flags
