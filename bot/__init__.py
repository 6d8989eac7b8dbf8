"""The composition root: command line, Telegram bot, alert rendering and delivery."""
