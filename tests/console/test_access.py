"""Who may see and do what in the console: sign-in, cookies, CSRF, roles, headers, rate limits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import redis
from flask.testing import FlaskClient

from server.console import SESSION_COOKIE
from server.storage.users import UserStore
from tests.console.conftest import PASSWORD, csrf_from, page_token, sign_in, users_page

TRAINER_PAGES = [
    "/console/",
    "/console/check",
    "/console/reports",
    "/console/protected",
    "/console/protected/new",
    "/console/banks",
    "/console/account",
]
MAINTAINER_PAGES = ["/console/audit", "/console/users", "/console/extractors"]
# Every POST of the console with a harmless body (the CSRF token is added by the tests).
POSTS = [
    "/console/logout",
    "/console/check",
    "/console/reports/0123456789abcdef/confirm",
    "/console/reports/0123456789abcdef/reject",
    "/console/users/amal/revoke",
    "/console/protected/new",
    "/console/protected/0123456789abcdef/edit",
    "/console/protected/0123456789abcdef/delete",
    "/console/banks/entries",
    "/console/banks/import",
    "/console/account",
    "/console/account/sessions",
]


@pytest.mark.parametrize("path", TRAINER_PAGES + MAINTAINER_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(anonymous: FlaskClient, path: str) -> None:
    response = anonymous.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/console/login?next=")
    assert "Welcome" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", [p for p in POSTS if p != "/console/logout"])
def test_anonymous_posts_do_nothing(anonymous: FlaskClient, path: str, redis_client: redis.Redis) -> None:
    token = page_token(anonymous, "/console/login")
    response = anonymous.post(path, data={"csrf_token": token, "platform": "x"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/console/login")
    assert redis_client.keys("haris:audit") == []


@pytest.mark.parametrize("path", TRAINER_PAGES)
def test_a_trainer_sees_trainer_pages(trainer: FlaskClient, path: str) -> None:
    assert trainer.get(path).status_code == 200


@pytest.mark.parametrize("path", MAINTAINER_PAGES)
def test_a_trainer_cannot_do_a_maintainers_job(trainer: FlaskClient, maintainer: FlaskClient, path: str) -> None:
    refused = trainer.get(path)
    assert refused.status_code == 403
    assert "does not allow" in refused.get_data(as_text=True)
    assert maintainer.get(path).status_code == 200


def test_a_trainer_cannot_revoke_accounts(trainer: FlaskClient, accounts: UserStore, redis_client: redis.Redis) -> None:
    token = page_token(trainer, "/console/check")
    response = trainer.post("/console/users/omar/revoke", data={"csrf_token": token})
    assert response.status_code == 403
    assert redis_client.exists("haris:{users}:user:omar")


def test_a_maintainer_revokes_an_account_and_it_is_audited(
    maintainer: FlaskClient, trainer: FlaskClient, redis_client: redis.Redis
) -> None:
    token, shown = users_page(maintainer)
    form = {"csrf_token": token, "version": shown["amal"]}
    response = maintainer.post("/console/users/amal/revoke", data=form, follow_redirects=True)
    assert response.status_code == 200 and "amal revoked" in response.get_data(as_text=True)
    assert not redis_client.exists("haris:{users}:user:amal")
    assert trainer.get("/console/check").status_code == 302
    audit = maintainer.get("/console/audit").get_data(as_text=True)
    assert "revoked an account" in audit and "omar" in audit
    assert maintainer.post("/console/users/amal/revoke", data=form).status_code == 404
    own = maintainer.post("/console/users/omar/revoke", data={"csrf_token": token}, follow_redirects=True)
    assert "cannot revoke your own" in own.get_data(as_text=True)
    assert redis_client.exists("haris:{users}:user:omar")


@pytest.mark.parametrize("path", POSTS)
def test_posts_without_a_csrf_token_are_refused(trainer: FlaskClient, path: str, redis_client: redis.Redis) -> None:
    response = trainer.post(path, data={"platform": "x"})
    assert response.status_code == 400
    assert "did not come from this console" in response.get_data(as_text=True)
    # Still signed in: the refused logout did not happen.
    assert trainer.get("/console/check").status_code == 200


def test_a_wrong_csrf_token_and_a_cross_site_referer_are_refused(trainer: FlaskClient) -> None:
    token = page_token(trainer, "/console/check")
    assert trainer.post("/console/check", data={"csrf_token": token + "x", "platform": "x"}).status_code == 400
    cross_site = trainer.post(
        "/console/check", data={"csrf_token": token, "platform": "x"}, headers={"Referer": "https://evil.example/"}
    )
    assert cross_site.status_code == 400
    assert trainer.post("/console/check", data={"csrf_token": token, "platform": "x"}).status_code == 200


def test_sign_in_without_csrf_is_refused(anonymous: FlaskClient, accounts: UserStore) -> None:
    response = anonymous.post("/console/login", data={"username": "amal", "password": PASSWORD})
    assert response.status_code == 400
    assert anonymous.get("/console/check").status_code == 302


def test_failed_sign_in_says_the_same_for_unknown_users_and_wrong_passwords(
    anonymous: FlaskClient, accounts: UserStore
) -> None:
    wrong_password = sign_in(anonymous, "amal", "not the password at all")
    unknown_user = sign_in(anonymous, "nobody", PASSWORD)
    assert wrong_password.status_code == unknown_user.status_code == 401
    message = "Sign-in failed: check the username and password."
    assert message in wrong_password.get_data(as_text=True) and message in unknown_user.get_data(as_text=True)
    assert anonymous.get("/console/check").status_code == 302


def test_session_cookie_flags_and_rotation(new_client: Callable[[], FlaskClient], accounts: UserStore) -> None:
    client = new_client()
    client.get("/console/login")
    before = client.get_cookie(SESSION_COOKIE)
    response = sign_in(client, "amal")
    assert response.status_code == 303 and response.headers["Location"] == "/console/"
    [header] = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("__Host-haris_console=")]
    for flag in ("Secure", "HttpOnly", "SameSite=Strict", "Path=/;"):
        assert flag in header
    assert "Domain" not in header  # __Host-: host-only, so no other host of the domain can plant one
    after = client.get_cookie(SESSION_COOKIE)
    assert before is not None and after is not None and before.value != after.value
    # Path=/ sends it to the API too, where no session is opened nor any cookie set.
    api = client.post("/v1/check", json={"platform": "x", "profile": {"handle": "a"}})
    assert api.status_code == 200 and "Set-Cookie" not in api.headers


def test_insecure_cookies_only_when_configured(make_app: Any, accounts: UserStore) -> None:
    client = make_app(HARIS_SECURE_COOKIES="false").test_client()
    response = sign_in(client, "amal")
    assert response.status_code == 303
    # No __Host- prefix over plain http (a browser would drop it): the plain name, the console's path.
    [header] = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("haris_console=")]
    assert "Secure" not in header and "Path=/console;" in header
    assert client.get("/console/check").status_code == 200
    assert "Set-Cookie" not in client.post("/v1/check", json={"platform": "x"}).headers


def test_sign_out_ends_the_server_side_session(
    new_client: Callable[[], FlaskClient], accounts: UserStore, redis_client: redis.Redis
) -> None:
    client = new_client()
    sign_in(client, "amal")
    stolen = client.get_cookie(SESSION_COOKIE)
    assert stolen is not None
    token = page_token(client, "/console/check")
    assert client.post("/console/logout", data={"csrf_token": token}).status_code == 303
    assert redis_client.keys("haris:{users}:session:*") == []
    replay = new_client()
    replay.set_cookie(SESSION_COOKIE, stolen.value)
    assert replay.get("/console/check").status_code == 302


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/console/reports", "/console/reports"),
        ("https://evil.example/console/", "/console/"),
        ("//evil.example/console", "/console/"),
        ("/v1/check", "/console/"),
        ("/console\\@evil.example", "/console/"),
        ("/console/\r\nSet-Cookie: haris_console=forged", "/console/"),
        ("/console/reports\x00", "/console/"),
    ],
)
def test_sign_in_redirects_only_inside_the_console(
    anonymous: FlaskClient, accounts: UserStore, target: str, expected: str
) -> None:
    token = page_token(anonymous, "/console/login")
    response = anonymous.post(
        "/console/login", data={"username": "amal", "password": PASSWORD, "csrf_token": token, "next": target}
    )
    assert response.status_code == 303 and response.headers["Location"] == expected


def test_pages_carry_a_strict_content_security_policy(trainer: FlaskClient) -> None:
    response = trainer.get("/console/check")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'none'" in policy and "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "style-src 'self'" in policy and "form-action 'self'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" in response.headers
    html = response.get_data(as_text=True)
    assert "<script" not in html and " style=" not in html and "onclick" not in html
    # The API keeps its own, stricter policy.
    assert trainer.get("/v1/rules").headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_the_stylesheet_is_served(anonymous: FlaskClient) -> None:
    response = anonymous.get("/static/console.css")
    assert response.status_code == 200 and response.mimetype == "text/css"


def test_failed_sign_ins_are_rate_limited_per_address(make_app: Any, accounts: UserStore) -> None:
    client = make_app(HARIS_LOGIN_LIMIT="3/minute").test_client()
    client.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert [sign_in(client, "amal", "wrong password!!").status_code for _ in range(3)] == [401, 401, 401]
    limited = sign_in(client, "amal")
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert "Too many attempts" in limited.get_data(as_text=True)
    other = make_app(HARIS_LOGIN_LIMIT="3/minute").test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.8"
    assert sign_in(other, "amal").status_code == 303


def test_failed_sign_ins_from_one_ipv6_48_are_limited_together(make_app: Any, accounts: UserStore) -> None:
    # Each /64 is an address of its own for HARIS_LOGIN_LIMIT; a /48 (free from tunnel brokers)
    # is 65,536 of them, so they also count together against HARIS_LOGIN_NETWORK_LIMIT.
    app = make_app(HARIS_LOGIN_LIMIT="3/minute", HARIS_LOGIN_NETWORK_LIMIT="4/minute")

    def attempt(address: str, password: str) -> int:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return int(sign_in(client, "amal", password).status_code)

    assert [attempt(f"2001:db8:48:{n}::1", "wrong password!!") for n in range(1, 5)] == [401, 401, 401, 401]
    limited = app.test_client()
    limited.environ_base["REMOTE_ADDR"] = "2001:db8:48:ffff::9"  # a fresh /64 of the same /48
    refused = sign_in(limited, "amal")  # the right password: refused before it is looked at
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert attempt("2001:db8:49:1::1", PASSWORD) == 303  # another /48
    assert attempt("198.51.100.7", PASSWORD) == 303  # IPv4 clients are not grouped


def test_successful_sign_ins_do_not_use_up_the_allowance(make_app: Any, accounts: UserStore) -> None:
    app = make_app(HARIS_LOGIN_LIMIT="2/minute")
    for _ in range(4):
        assert sign_in(app.test_client(), "amal").status_code == 303


def test_guessing_one_account_from_many_addresses_is_limited(make_app: Any, accounts: UserStore) -> None:
    app = make_app(HARIS_LOGIN_ACCOUNT_LIMIT="2/hour")
    statuses = []
    for address in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        statuses.append(sign_in(client, "amal", "wrong password!!").status_code)
    assert statuses == [401, 401, 429]
    other_account = app.test_client()
    other_account.environ_base["REMOTE_ADDR"] = "203.0.113.4"
    assert sign_in(other_account, "omar").status_code == 303


def test_language_follows_the_users_choice_then_accept_language(anonymous: FlaskClient) -> None:
    arabic = anonymous.get("/console/login", headers={"Accept-Language": "ar-MA,ar;q=0.9"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in arabic and "تسجيل الدخول" in arabic
    chosen = anonymous.get("/console/lang/fr?next=/console/login")
    assert chosen.status_code == 302 and chosen.headers["Location"] == "/console/login"
    french = anonymous.get("/console/login", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in french and "Connexion" in french
    assert anonymous.get("/console/lang/de").status_code == 404
    assert anonymous.get("/console/lang/en?next=https://evil.example/").headers["Location"] == "/console/"
    # A line break in the target was a 500 (werkzeug refuses it in a header): now the home page.
    crlf = anonymous.get("/console/lang/en", query_string={"next": "/console/\r\nX-Injected: 1"})
    assert crlf.status_code == 302 and crlf.headers["Location"] == "/console/" and "X-Injected" not in crlf.headers


def test_language_choice_survives_sign_in(anonymous: FlaskClient, accounts: UserStore) -> None:
    anonymous.get("/console/lang/ar")
    sign_in(anonymous, "amal")
    page = anonymous.get("/console/check").get_data(as_text=True)
    assert 'dir="rtl"' in page and "فحص يدوي" in page


def test_unknown_decisions_and_reports_are_html_404s(trainer: FlaskClient) -> None:
    token = page_token(trainer, "/console/reports")
    for path in ("/console/reports/0123456789abcdef/nonsense", "/console/reports/0123456789abcdef/confirm"):
        response = trainer.post(path, data={"csrf_token": token})
        assert response.status_code == 404 and response.mimetype == "text/html"
        assert "There is nothing here." in response.get_data(as_text=True)


def test_the_login_page_token_is_tied_to_the_session(
    new_client: Callable[[], FlaskClient], accounts: UserStore
) -> None:
    first, second = new_client(), new_client()
    token = csrf_from(first.get("/console/login").get_data(as_text=True))
    second.get("/console/login")
    response = second.post("/console/login", data={"username": "amal", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 400


def test_a_link_from_another_site_cannot_replace_the_session_cookie(anonymous: FlaskClient) -> None:
    """GET /console/lang/<code> from a cross-site link arrives without the Strict cookie: it must
    not answer with a new cookie, which would sign a trainer out."""
    cross = anonymous.get("/console/lang/fr?next=/console/", headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 302 and "Set-Cookie" not in cross.headers
    own = anonymous.get("/console/lang/fr?next=/console/", headers={"Sec-Fetch-Site": "same-origin"})
    assert own.status_code == 302 and f"{SESSION_COOKIE}=" in own.headers.get("Set-Cookie", "")


def test_the_owner_still_signs_in_while_the_account_is_guessed_elsewhere(make_app: Any, accounts: UserStore) -> None:
    """Finding 12: 21 wrong passwords from three addresses lock the guessers out, not amal: the
    browser she signed in from before still gets in."""
    app = make_app(HARIS_LOGIN_ACCOUNT_LIMIT="20/hour")
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "127.0.0.99"
    assert sign_in(owner, "amal").status_code == 303
    assert owner.post("/console/logout", data={"csrf_token": page_token(owner, "/console/check")}).status_code == 303
    statuses = []
    for address in ("127.0.0.10", "127.0.0.11", "127.0.0.12"):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        statuses += [sign_in(client, "amal", "wrong password!!").status_code for _ in range(7)]
    assert statuses[:20] == [401] * 20 and statuses[20] == 429
    assert sign_in(owner, "amal").status_code == 303
    # A guesser's address that failed before stays refused, even with the right password.
    guesser = app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "127.0.0.12"
    assert sign_in(guesser, "amal").status_code == 429


def test_a_fresh_address_per_guess_learns_nothing_once_the_account_is_under_attack(
    make_app: Any, accounts: UserStore
) -> None:
    """Past the per-account limit, a browser that never signed in to the account is refused before
    its password is checked: the right password gets the same 429 as a wrong one, so a guesser
    with a new address for every guess has no oracle (before, the right one got in)."""
    app = make_app(HARIS_LOGIN_ACCOUNT_LIMIT="3/hour")
    for number in range(3):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"203.0.113.{number + 1}"
        assert sign_in(client, "amal", "wrong password!!").status_code == 401
    answers = []
    for number, password in enumerate(("wrong password!!", PASSWORD)):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"198.51.100.{number + 1}"
        answers.append(sign_in(client, "amal", password))
    assert [a.status_code for a in answers] == [429, 429]
    assert answers[0].get_data() == answers[1].get_data()
    assert "haris_device" not in answers[1].headers.get("Set-Cookie", "")
    # A cookie made up, or one for another account, does not make a browser known.
    forged = app.test_client()
    forged.set_cookie("haris_device", "amal", path="/console/login")
    assert sign_in(forged, "amal").status_code == 429
    omar = app.test_client()
    assert sign_in(omar, "omar").status_code == 303
    assert omar.post("/console/logout", data={"csrf_token": page_token(omar, "/console/check")}).status_code == 303
    assert sign_in(omar, "amal").status_code == 429
