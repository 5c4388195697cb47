"""The figures of docs/names.md: name matching per pair and per check, issue 15's pairs, and example
checks answered by the real server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.figures import Inputs, MissingData, figure
from bench.figures.app import throwaway_app
from bench.names_data import AR2EN, WIKIDATA

NAMES_HINT = f"the two name files, {AR2EN} and {WIKIDATA} (see bench/names_data.py)"


def names_folder(inputs: Inputs) -> Path:
    """The folder of the two name files given with ``--data names=FILE`` (both, same folder)."""
    files = inputs.files("names", NAMES_HINT)
    folders = {path.resolve().parent for path in files}
    if {path.name for path in files} != {AR2EN, WIKIDATA} or len(folders) != 1:
        raise MissingData(f"needs --data names=FILE for both of {NAMES_HINT}, from one folder")
    return folders.pop()


@figure("names-checks", needs=("names",))
def names_checks(inputs: Inputs) -> str:
    """Recall and false alarms per check (300 contacts; 50 official-style names with brothers and
    namesakes) on held-out words, at each cut-off: `bench/names_checks.py`."""
    from bench.names_checks import report

    return report(names_folder(inputs))


@figure("names-pairs", needs=("names",))
def names_pairs(inputs: Inputs) -> str:
    """Recall per pair of held-out words at 1% and 0.1% false matches, and at the rules' cut-off,
    against plain anyascii + rapidfuzz: `bench/names_eval.py`."""
    from bench.names_eval import report

    return report(names_folder(inputs))


@figure("names-examples", fast=True)
def names_examples(inputs: Inputs) -> str:
    """Issue 15's pairs as the signals see them: matched or not, score, parts aligned."""
    from bench.names_examples import table

    return table()


# Requests of the examples: (what it shows, body of POST /v1/check).
CHECKS: list[tuple[str, dict[str, Any]]] = [
    (
        "A clone of a protected person on X, with one decorative letter and Arabizi `3` for ع "
        "(an anonymous answer says how alike, not who):",
        {
            "platform": "x",
            "profile": {"account_id": "1861234567890123456", "handle": "hala_ahed_2", "display_name": "H𝐚la 3ahed"},
            "locale": "en",
        },
    ),
    (
        "Her own account with the same name is not flagged:",
        {"platform": "x", "profile": {"account_id": "1234567890", "display_name": "Hala Ahed"}},
    ),
    (
        "An Arabic-script clone of a Latin-script contact, answered in Arabic:",
        {
            "platform": "facebook",
            "profile": {"account_id": "555", "display_name": "محمد صالح"},
            "contacts": [{"display_name": "Mohamed Saleh", "platform": "facebook", "account_id": "100001"}],
            "locale": "ar",
        },
    ),
    (
        "A full official name in the other script, among contacts, answered in French (every part aligned):",
        {
            "platform": "facebook",
            "profile": {"account_id": "777", "display_name": "أيمن سبعاوي إبراهيم حسن التكريتي"},
            "contacts": [
                {"display_name": "AYMAN SABAWI IBRAHIM HASAN AL-TIKRITI", "account_id": "100002"},
                {"display_name": "Kamel Djermane", "account_id": "100003"},
            ],
            "locale": "fr",
        },
    ),
    (
        "His brother (same father, grandfather and family, another given name) is not his clone:",
        {
            "platform": "facebook",
            "profile": {"account_id": "778", "display_name": "عمر سبعاوي إبراهيم حسن التكريتي"},
            "contacts": [
                {"display_name": "AYMAN SABAWI IBRAHIM HASAN AL-TIKRITI", "account_id": "100002"},
                {"display_name": "Kamel Djermane", "account_id": "100003"},
            ],
        },
    ),
    (
        "Look-alike letters (Cyrillic М and о), answered in French:",
        {"platform": "x", "profile": {"display_name": "Моhamed Saleh"}, "locale": "fr"},
    ),
]
HALA = {
    "display_names": ["Hala Ahed", "هالة عاهد"],
    "accounts": [{"platform": "x", "account_id": "1234567890"}, {"platform": "instagram", "handle": "hala.ahed"}],
}


@figure("names-check-examples", fast=True)
def names_check_examples(inputs: Inputs) -> str:
    """Example checks and the server's real answers: a protected person's clone, her own account, a
    contact's clone in the other script, a full official name and his brother, look-alike letters."""
    from server.roles import Role
    from server.storage.apikeys import create_api_key

    blocks = []
    with throwaway_app() as app:
        client = app.test_client()
        key = create_api_key(app.extensions["haris"].redis.client, Role.TRAINER, "ngo-trainer-amal")
        registered = client.post("/v1/protected", json=HALA, headers={"Authorization": f"Bearer {key}"})
        if registered.status_code != 201:
            raise RuntimeError(f"registering the example person answered {registered.status_code}")
        for what, body in CHECKS:
            response = client.post("/v1/check", json=body)
            if response.status_code != 200:
                raise RuntimeError(f"an example check answered {response.status_code}")
            sent = json.dumps(body, ensure_ascii=False)
            answer = json.dumps(response.get_json(), indent=2, ensure_ascii=False)
            blocks += [
                what,
                "",
                "```console",
                f"$ curl -s -X POST http://127.0.0.1:5000/v1/check -H \"Content-Type: application/json\" -d '{sent}'",
                answer,
                "```",
                "",
            ]
    return "\n".join(blocks).rstrip("\n")


@figure("names-deceptive-repository", fast=True)
def names_deceptive_repository(inputs: Inputs) -> str:
    """How often `name.deceptive_characters` fires on Unicode's emoji sequences and on the names
    in tests/data: `bench/deceptive_survey.py`."""
    from bench.deceptive_survey import REPOSITORY_NAMES, table

    return table(["--emoji", *REPOSITORY_NAMES])


@figure("names-deceptive-data", needs=("cresci", "names"))
def names_deceptive_data(inputs: Inputs) -> str:
    """The same on real display names outside the repository: the Cresci 2015 profiles and the two
    name files."""
    from bench.deceptive_survey import table
    from bench.figures.evaluation import CRESCI_HINT

    folder = names_folder(inputs)
    cresci = [str(path) for path in inputs.files("cresci", CRESCI_HINT)]
    return table([*cresci, str(folder / AR2EN), str(folder / WIKIDATA)])
