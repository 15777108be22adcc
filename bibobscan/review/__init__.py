"""People's judgements applied to a scan: a disposition per evidence item (confirmed,
cleared as a namesake, cleared as not relevant) overrides the resolver's verdict before
signals are derived, so a cleared item's points go and a confirmed one counts. This is
a stage of its own between resolve and signals; it does no I/O."""

from ._apply import LAPSED, apply_dispositions, lapsed_dispositions

__all__ = ["LAPSED", "apply_dispositions", "lapsed_dispositions"]
