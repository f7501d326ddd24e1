"""Everyday banking for a signed-in user, against a mock core bank.

The bank (``CoreBank``, plain Python and SQLite, no Rasa) keys customers by
the conversation's user id and creates a fake one on first use. The Rasa
actions around it see placeholders only; a transfer to a new payee reads the
account number from the Vault after the user confirms (``reveal``).

The bank: ``core_bank`` (operations), ``schema`` and ``rows`` (SQLite),
``seed`` (fake customers), ``models``, ``errors``, ``money``, ``periods``
(time in words), ``text`` (what a message says), ``replies`` (what the bot
says). The actions: ``accounts`` (balance, transactions, spending),
``transfer_form`` and ``transfer`` (the transfer form), ``cards`` (freeze and
unfreeze), ``suspicious`` (report a payment), ``cancel`` (stop a form), on
``common`` and ``runtime`` (where the bank and the Vault are).
"""

from actions.banking.accounts import ActionShowBalance, ActionShowTransactions, ActionSpendingByCategory
from actions.banking.cancel import ActionCancelBankingForm
from actions.banking.cards import (
    ActionAskCardChangeConfirmed,
    ActionAskCardOperation,
    ActionAskSelectedCard,
    ActionChangeCardStatus,
    ValidateCardStatusForm,
)
from actions.banking.core_bank import CoreBank
from actions.banking.errors import (
    BankError,
    DailyLimitExceeded,
    InsufficientFunds,
    InvalidAccountNumber,
    InvalidAmount,
    NotFound,
    SameAccount,
)
from actions.banking.periods import Period, parse_period
from actions.banking.reveal import PURPOSE_MATCH_PAYEE, PURPOSE_NEW_PAYEE, PlaceholderReveal
from actions.banking.suspicious import (
    ActionAskSuspiciousFreeze,
    ActionAskSuspiciousTransaction,
    ActionReportSuspiciousTransaction,
    ValidateSuspiciousForm,
)
from actions.banking.transfer import (
    ActionAskTransferAmount,
    ActionAskTransferConfirmed,
    ActionAskTransferPayee,
    ActionAskTransferSource,
    ActionTransferMoney,
)
from actions.banking.transfer_form import ValidateTransferForm

__all__ = [
    "PURPOSE_MATCH_PAYEE",
    "PURPOSE_NEW_PAYEE",
    "ActionAskCardChangeConfirmed",
    "ActionAskCardOperation",
    "ActionAskSelectedCard",
    "ActionAskSuspiciousFreeze",
    "ActionAskSuspiciousTransaction",
    "ActionAskTransferAmount",
    "ActionAskTransferConfirmed",
    "ActionAskTransferPayee",
    "ActionAskTransferSource",
    "ActionCancelBankingForm",
    "ActionChangeCardStatus",
    "ActionReportSuspiciousTransaction",
    "ActionShowBalance",
    "ActionShowTransactions",
    "ActionSpendingByCategory",
    "ActionTransferMoney",
    "BankError",
    "CoreBank",
    "DailyLimitExceeded",
    "InsufficientFunds",
    "InvalidAccountNumber",
    "InvalidAmount",
    "NotFound",
    "Period",
    "PlaceholderReveal",
    "SameAccount",
    "ValidateCardStatusForm",
    "ValidateSuspiciousForm",
    "ValidateTransferForm",
    "parse_period",
]
