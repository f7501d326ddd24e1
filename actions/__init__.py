"""Custom actions run by the Rasa action server (``rasa run actions``).

The action server sees only redacted text: identifiers arrive as typed
placeholders such as ``<ACCOUNT_NUMBER_1>``. Actions live in modules by topic.
"""

from actions.advice.budget import ActionBudgetSplit

__all__ = ["ActionBudgetSplit"]
