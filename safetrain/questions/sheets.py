"""The 题库 sheet (DESIGN §5). Filled in by the sheet commit."""
