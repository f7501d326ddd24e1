"""Educational financial-advice actions and the calculations behind them."""
