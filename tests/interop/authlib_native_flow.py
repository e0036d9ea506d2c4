"""An unmodified standard OAuth client library (Authlib) drives Genesis as a native client:
password grant, a call with the access token, a refresh, and another call.

Usage: python authlib_native_flow.py BASE_URL CLIENT_ID USERNAME PASSWORD
Prints "ok <user id>" on success; any failure raises."""
import sys

from authlib.integrations.requests_client import OAuth2Session


def main(base, client_id, username, password):
    session = OAuth2Session(client_id=client_id, token_endpoint_auth_method="none")
    session.trust_env = False
    token_url = f"{base}/oauth/token"
    first = session.fetch_token(token_url, grant_type="password", username=username, password=password)
    assert first["token_type"].lower() == "bearer", first.keys()
    assert "refresh_token" in first, "native clients receive the refresh token"
    me = session.get(f"{base}/users/me")
    assert me.status_code == 200, me.status_code
    second = session.refresh_token(token_url, refresh_token=first["refresh_token"])
    assert second["refresh_token"] != first["refresh_token"], "the refresh token rotates"
    again = session.get(f"{base}/users/me")
    assert again.status_code == 200, again.status_code
    print("ok", again.json()["id"])


if __name__ == "__main__":
    main(*sys.argv[1:5])
