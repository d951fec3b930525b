"""The one shape every state machine is written in: a table of transitions and who may make them.

Each feature's `workflow.py` holds its table (a dict name → Transition) and an
`actors_of(user, record)` naming what the user counts as for that record (a role such as "office",
or a relation such as "requester"). Nothing else decides whether a move is allowed.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple          # states the transition starts from
    target: str | None      # the state afterwards; None keeps the state (e.g. reassigning)
    actors: tuple           # actor names (roles or relations) that may make it
    label: object = ""      # the button's text, a lazy string
    note_required: bool = False


def table(*transitions: Transition) -> dict:
    """Transitions by name, in the order written (the order buttons appear in)."""
    return {t.name: t for t in transitions}


def allowed(transitions: dict, state: str, actors) -> list[Transition]:
    """The transitions from `state` that someone acting as any of `actors` may make, in table order."""
    actors = set(actors)
    return [t for t in transitions.values() if state in t.sources and actors & set(t.actors)]


def may(transitions: dict, name: str, state: str, actors) -> bool:
    """Whether the named transition is allowed from `state` for these actors."""
    rule = transitions.get(name)
    return rule is not None and state in rule.sources and bool(set(actors) & set(rule.actors))
