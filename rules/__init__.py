"""Pure rules: the rule model, loading and validating the TOML file, editing it, the compiled matcher."""
