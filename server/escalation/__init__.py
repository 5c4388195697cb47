"""Escalation: a confirmed impersonation case and what can be made of it, as plain Python.

One job a module, none of them importing Flask or Redis (``tests/escalation/test_pure.py``):

- :mod:`~server.escalation.model` — the case, its evidence, notes and platform statuses;
- :mod:`~server.escalation.identity` — which identity elements the suspect copied;
- :mod:`~server.escalation.evidence` — what an uploaded file is, from its bytes;
- :mod:`~server.escalation.platforms` — the platforms' procedures, as data with their sources;
- :mod:`~server.escalation.tickets` — a takedown notice per platform, in ar/en/fr;
- :mod:`~server.escalation.disarm` — Haris finding codes → DISARM techniques;
- :mod:`~server.escalation.summary` — the reasons as plain lines for the machine exports;
- :mod:`~server.escalation.misp` — a MISP event (PyMISP);
- :mod:`~server.escalation.stix` — a STIX 2.1 bundle (stix2);
- :mod:`~server.escalation.redact` — the share copy of a case: no trainers, no private notes;
- :mod:`~server.escalation.archive` — the evidence zip, its manifest and its verification;
- :mod:`~server.escalation.outcomes` — removal rates per platform.

Storage is :mod:`server.storage.cases`, the operations both doors use are :mod:`server.services.cases`.
"""
