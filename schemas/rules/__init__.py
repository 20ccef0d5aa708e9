"""The rules a declaration must satisfy before any agency sees it.

They need today's date, the administrative units and the intake limits, so they run at the edge
(the portal, and again when a citizen supplements a declaration), never inside a workflow. Each
failure names its field and says, in a sentence, what the citizen should do. Every rule is a pure
function of the declaration and a `RuleContext`: the birth and death checks (`rules.birth`,
`rules.death`) compose the shared ones on identifiers, dates, places, delivery and attachments.
"""
