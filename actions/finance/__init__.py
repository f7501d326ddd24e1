"""Personal-finance calculators used by the advice actions: plain functions, no Rasa.

Every function validates its input and raises ``FinanceInputError`` (a ``ValueError``) with a
sentence a chatbot can show as a re-prompt. Money is ``Decimal`` rounded to the cent; rates are
percentages (``5.5`` for 5.5 %); durations are whole months unless a name says years.

Modules: ``budget`` (50/30/20 and a budget from costs), ``emergency`` (emergency fund),
``savings`` (saving for a goal), ``debt`` (avalanche and snowball), ``loans`` (payments and
amortisation), ``retirement`` (pension growth with an employer match), ``credit`` (cards).
"""

from actions.finance.budget import Budget, BudgetSplit, CostLine, budget_split, build_budget
from actions.finance.categories import Category, classify_cost
from actions.finance.credit import (
    minimum_payment,
    monthly_interest,
    payoff_with_fixed_payment,
    payoff_with_minimum_payment,
    utilization,
)
from actions.finance.debt import (
    Debt,
    PayoffMonth,
    PayoffPlan,
    Strategy,
    StrategyComparison,
    avalanche,
    compare_strategies,
    payoff_plan,
    snowball,
)
from actions.finance.emergency import (
    EmergencyFundPlan,
    EmergencyFundTarget,
    emergency_fund_plan,
    emergency_fund_target,
    months_to_save,
)
from actions.finance.errors import FinanceInputError, NeverPaidOffError
from actions.finance.loans import (
    ExtraPaymentEffect,
    LoanSchedule,
    amortisation_schedule,
    extra_payment_effect,
    monthly_payment,
)
from actions.finance.money import format_money
from actions.finance.retirement import (
    RetirementProjection,
    RetirementYear,
    employer_match,
    project_retirement,
    years_to_target,
)
from actions.finance.savings import SavingsPlan, deposit_for_goal, months_to_goal, months_until
from actions.finance.schedule import PaymentRow, Repayment

__all__ = [
    "Budget",
    "BudgetSplit",
    "Category",
    "CostLine",
    "Debt",
    "EmergencyFundPlan",
    "EmergencyFundTarget",
    "ExtraPaymentEffect",
    "FinanceInputError",
    "LoanSchedule",
    "NeverPaidOffError",
    "PaymentRow",
    "PayoffMonth",
    "PayoffPlan",
    "Repayment",
    "RetirementProjection",
    "RetirementYear",
    "SavingsPlan",
    "Strategy",
    "StrategyComparison",
    "amortisation_schedule",
    "avalanche",
    "budget_split",
    "build_budget",
    "classify_cost",
    "compare_strategies",
    "deposit_for_goal",
    "emergency_fund_plan",
    "emergency_fund_target",
    "employer_match",
    "extra_payment_effect",
    "format_money",
    "minimum_payment",
    "monthly_interest",
    "monthly_payment",
    "months_to_goal",
    "months_to_save",
    "months_until",
    "payoff_plan",
    "payoff_with_fixed_payment",
    "payoff_with_minimum_payment",
    "project_retirement",
    "snowball",
    "utilization",
    "years_to_target",
]
