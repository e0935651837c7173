"""dangbo — the working system of a Party organisation and its grassroots."""

__version__ = "0.1.0"
