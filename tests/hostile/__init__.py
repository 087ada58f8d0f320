"""The hostile corpus (issue 15): inputs an attacker or a careless user sends, kept as tests."""
