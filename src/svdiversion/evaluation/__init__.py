"""The independent evaluation's extract: keyed pseudonyms, k-anonymity, a data dictionary.

``pseudonyms`` (HMAC-SHA256 under the commissioner's key) -> ``anonymity`` (generalise,
then withhold) -> ``extract`` (the tables and their Table Schemas, plain data) ->
``shares`` (the record of every share, appended to ``ledger/shares.yaml``). The files
themselves are written by ``render.datapackage``; see docs/evaluation.md.
"""
