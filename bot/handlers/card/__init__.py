"""The order card: showing it, its buttons and the screens and conversations behind them."""
