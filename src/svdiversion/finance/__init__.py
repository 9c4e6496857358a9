"""Month-end work against the finance system: read its payments export, reconcile the
ledger with it, explain variances, close and reopen months.

    mapping.py     config/finance-import.yaml: how to read the export, how to reconcile
    importer.py    the finance export, read through that mapping
    reconcile.py   pure matching and spend-against-profile; returns plain data
    commentary.py  ledger/commentary.yaml: the treasurer's explanation of a variance
    closes.py      digests of a month's rows and the append-only ledger/closes.yaml

Nothing here prints or imports the CLI framework; ``cli/finance.py`` and
``render/finance.py`` are the consumers.
"""
