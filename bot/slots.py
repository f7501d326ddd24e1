"""Slot names that the servers and the actions both act on."""

# Set to True by the "forget me" action once the person confirmed; the redacting
# tracker store then erases the conversation (store, broker copy, numbering, vault).
ERASE_SLOT = "erase_conversation"
