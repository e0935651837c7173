"""The demo world "Tam Dương, 2016": ``tamduong`` builds it in memory, ``loader`` writes it.

Import ``dangbo.demo.loader`` for ``load()``, ``DEMO_PASSWORD`` and ``demo_users()``.
"""
