"""Educational financial advice: budgeting, saving, debt, credit, loans, investing, retirement, safety, privacy.

The figures come from ``actions.finance`` (plain calculators); this package is the dialogue
around them. Each topic is a module with its form's validation action (``validate_<form>``),
the form's result action and any question or explanation actions; ``forms`` holds what the
validations share (numbers, re-prompts, corrections), ``text`` reads free-text answers,
``topics`` gives explanations their follow-up buttons, ``privacy`` answers from the privacy
policy and handles "forget me". Guidance is general, with a short disclaimer where figures are
shown; no action recommends a product.
"""

from actions.advice.budget import ActionBudgetSplit, ValidateBudgetForm
from actions.advice.credit import (
    ActionCardPayoff,
    ActionCreditScore,
    ActionExplainCreditCards,
    ValidateCardPayoffForm,
)
from actions.advice.debt import (
    ActionAskDebtBudget,
    ActionAskDebtEntry,
    ActionAskDebtMore,
    ActionDebtPayoffPlan,
    ValidateDebtForm,
)
from actions.advice.emergency import ActionEmergencyFundPlan, ValidateEmergencyFundForm
from actions.advice.investing import ActionInvesting
from actions.advice.loans import ActionLoanExtraPayment, ActionLoanPayment, ValidateLoanExtraForm, ValidateLoanForm
from actions.advice.privacy import ActionExplainPrivacy, ActionForgetMe
from actions.advice.retirement import ActionRetirementProjection, ValidateRetirementForm
from actions.advice.savings import ActionSavingsGoalPlan, ValidateSavingsGoalForm

__all__ = [
    "ActionAskDebtBudget",
    "ActionAskDebtEntry",
    "ActionAskDebtMore",
    "ActionBudgetSplit",
    "ActionCardPayoff",
    "ActionCreditScore",
    "ActionDebtPayoffPlan",
    "ActionEmergencyFundPlan",
    "ActionExplainCreditCards",
    "ActionExplainPrivacy",
    "ActionForgetMe",
    "ActionInvesting",
    "ActionLoanExtraPayment",
    "ActionLoanPayment",
    "ActionRetirementProjection",
    "ActionSavingsGoalPlan",
    "ValidateBudgetForm",
    "ValidateCardPayoffForm",
    "ValidateDebtForm",
    "ValidateEmergencyFundForm",
    "ValidateLoanExtraForm",
    "ValidateLoanForm",
    "ValidateRetirementForm",
    "ValidateSavingsGoalForm",
]
