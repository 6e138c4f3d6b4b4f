"""Cross-script record matching: transliteration, name parsing, name
families, date levels, a Fellegi–Sunter model estimated without labels,
candidate search and batch linkage. Pure Python; no Django models."""
