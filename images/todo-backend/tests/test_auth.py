"""Sign-up, log-in and tokens."""

from __future__ import annotations

import uuid

import httpx
import jwt
from conftest import JWT_SECRET


def email() -> str:
    return f"a-{uuid.uuid4().hex[:10]}@example.com"


def test_signup_then_login_issues_working_tokens(client: httpx.Client) -> None:
    address = email()
    signed_up = client.post("/api/auth/signup", json={"email": address, "password": "long enough pw", "name": "Ada"})
    assert signed_up.status_code == 201
    assert signed_up.json()["user"]["email"] == address
    logged_in = client.post("/api/auth/login", json={"email": address.upper(), "password": "long enough pw"})
    assert logged_in.status_code == 200
    token = logged_in.json()["access_token"]
    claims = jwt.decode(token, JWT_SECRET, algorithms=["HS256"])
    assert claims["sub"] == str(signed_up.json()["user"]["id"])
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json() == {"id": signed_up.json()["user"]["id"], "email": address, "name": "Ada"}


def test_wrong_password_and_unknown_user_get_the_same_401(client: httpx.Client) -> None:
    address = email()
    client.post("/api/auth/signup", json={"email": address, "password": "long enough pw"})
    wrong = client.post("/api/auth/login", json={"email": address, "password": "not the password"})
    unknown = client.post("/api/auth/login", json={"email": email(), "password": "long enough pw"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_duplicate_email_is_a_409(client: httpx.Client) -> None:
    address = email()
    assert client.post("/api/auth/signup", json={"email": address, "password": "long enough pw"}).status_code == 201
    again = client.post("/api/auth/signup", json={"email": address.upper(), "password": "another pw 123"})
    assert again.status_code == 409
    assert "already exists" in again.json()["detail"]


def test_passwords_are_stored_as_argon2_hashes(client: httpx.Client, database_url: str) -> None:
    import psycopg

    address = email()
    client.post("/api/auth/signup", json={"email": address, "password": "long enough pw"})
    with psycopg.connect(database_url) as connection:
        stored = connection.execute("SELECT password_hash FROM users WHERE email = %s", (address,)).fetchone()[0]
    assert stored.startswith("$argon2id$")
    assert "long enough pw" not in stored


def test_tokens_that_are_missing_forged_or_expired_get_401(client: httpx.Client) -> None:
    import datetime as dt

    forged = jwt.encode(
        {"sub": "1", "exp": dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)}, "x" * 40, algorithm="HS256"
    )
    expired = jwt.encode(
        {"sub": "1", "exp": dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)}, JWT_SECRET, algorithm="HS256"
    )
    none_alg = jwt.encode({"sub": "1"}, None, algorithm="none")
    for headers in (
        {},
        {"Authorization": "Bearer nonsense"},
        {"Authorization": f"Bearer {forged}"},
        {"Authorization": f"Bearer {expired}"},
        {"Authorization": f"Bearer {none_alg}"},
    ):
        response = client.get("/api/tasks", headers=headers)
        assert response.status_code == 401, headers
        assert response.json()["detail"].startswith("Sign in first")


def test_a_validly_signed_token_for_an_impossible_user_id_gets_401(client: httpx.Client) -> None:
    import datetime as dt

    expires = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    # User ids are 32-bit: beyond that, PostgreSQL refused the lookup and the answer was a 500.
    for sub in ("2147483648", "4294967296", "99999999999999999999", "0", "-1"):
        token = jwt.encode({"sub": sub, "exp": expires}, JWT_SECRET, algorithm="HS256")
        response = client.get("/api/tasks", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, (sub, response.text)
        assert response.json()["detail"].startswith("Sign in first")
