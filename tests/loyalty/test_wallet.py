"""Wallet passes: the Apple .pkpass is a zip whose manifest holds each file's SHA-1
and whose detached PKCS#7 signature verifies against the signing certificate; the
Google save link carries an RS256 JWT with the client's card. Both from the portal and
the API only when the wallet toggle is on, and only for the signed-in client."""

import datetime
import hashlib
import io
import json
import subprocess
import zipfile

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from branding.services import features_update
from loyalty.services import points_award
from loyalty.wallet.membership import member_number
from tests.factories.clients import ClientAccountFactory
from tests.factories.loyalty import TierFactory
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


def _key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _cert(subject, key, *, issuer=None, issuer_key=None, ca=False):
    now = datetime.datetime.now(datetime.UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.subject if issuer else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .sign(issuer_key or key, hashes.SHA256())
    )


def _pem(obj):
    if isinstance(obj, x509.Certificate):
        return obj.public_bytes(serialization.Encoding.PEM).decode()
    return obj.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture(scope="module")
def apple_keys():
    """A stand-in WWDR authority and a pass type certificate it issued."""
    wwdr_key = _key()
    wwdr = _cert("Test WWDR", wwdr_key, ca=True)
    signer_key = _key()
    signer = _cert("Pass Type ID: pass.test.portal", signer_key, issuer=wwdr, issuer_key=wwdr_key)
    return {"wwdr": wwdr, "signer": signer, "signer_key": signer_key}


@pytest.fixture
def apple_settings(settings, apple_keys, tmp_path):
    key_file = tmp_path / "pass.key"  # one of them as a path, as from a mounted secret
    key_file.write_text(_pem(apple_keys["signer_key"]))
    settings.WALLET_APPLE_PASS_TYPE_ID = "pass.test.portal"
    settings.WALLET_APPLE_TEAM_ID = "TEAM123456"
    settings.WALLET_APPLE_CERTIFICATE = _pem(apple_keys["signer"])
    settings.WALLET_APPLE_KEY = str(key_file)
    settings.WALLET_APPLE_WWDR_CERTIFICATE = _pem(apple_keys["wwdr"])
    return apple_keys


@pytest.fixture(scope="module")
def google_key():
    return _key()


@pytest.fixture
def google_settings(settings, google_key):
    settings.WALLET_GOOGLE_ISSUER_ID = "3388000000012345678"
    settings.WALLET_GOOGLE_SERVICE_ACCOUNT = json.dumps(
        {
            "type": "service_account",
            "client_email": "wallet@portal-test.iam.gserviceaccount.com",
            "private_key_id": "k1",
            "private_key": _pem(google_key),
        }
    )
    return google_key


@pytest.fixture
def wallet_on(clinic):
    features_update(clinic=clinic, wallet_passes=True)


@pytest.fixture
def member(clinic, patient):
    points_award(clinic=clinic, client=patient, amount=320, reason="visits")
    TierFactory(clinic=clinic, name="Gold", threshold=300)
    return patient


@pytest.fixture
def member_portal(clinic, member):
    client = host_client(clinic)
    client.force_login(member.user)
    return client


def _unzip(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_pkpass_has_a_true_manifest_and_a_verifiable_signature(
    clinic, member, member_portal, wallet_on, apple_settings, tmp_path
):
    response = member_portal.get("/wallet/membership.pkpass")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.apple.pkpass"
    files = _unzip(response.content)
    assert {"pass.json", "manifest.json", "signature", "icon.png", "logo.png"} <= set(files)

    manifest = json.loads(files["manifest.json"])
    assert set(manifest) == set(files) - {"manifest.json", "signature"}
    for name, digest in manifest.items():
        assert hashlib.sha1(files[name]).hexdigest() == digest, name  # noqa: S324

    # The detached signature verifies over manifest.json with the signer's certificate.
    (tmp_path / "manifest.json").write_bytes(files["manifest.json"])
    (tmp_path / "signature").write_bytes(files["signature"])
    (tmp_path / "wwdr.pem").write_text(_pem(apple_settings["wwdr"]))
    verified = subprocess.run(
        [
            "openssl",
            "smime",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            str(tmp_path / "signature"),
            "-content",
            str(tmp_path / "manifest.json"),
            "-CAfile",
            str(tmp_path / "wwdr.pem"),
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ],
        capture_output=True,
        text=True,
    )
    assert verified.returncode == 0, verified.stderr
    # A changed manifest no longer verifies.
    (tmp_path / "manifest.json").write_bytes(files["manifest.json"].replace(b"{", b"{ ", 1))
    tampered = subprocess.run(
        [
            "openssl",
            "smime",
            "-verify",
            "-binary",
            "-noverify",
            "-inform",
            "DER",
            "-in",
            str(tmp_path / "signature"),
            "-content",
            str(tmp_path / "manifest.json"),
            "-out",
            "/dev/null",
        ],
        capture_output=True,
    )
    assert tampered.returncode != 0

    card = json.loads(files["pass.json"])
    assert card["passTypeIdentifier"] == "pass.test.portal"
    assert card["teamIdentifier"] == "TEAM123456"
    assert card["barcodes"][0]["format"] == "PKBarcodeFormatQR"
    # The QR code is the desk's check-in address for the member (staff who scan it
    # check today's booking in); the number is printed under it.
    assert member_number(member) == f"GLOW-{member.pk:06d}"
    assert card["barcodes"][0]["message"] == (
        f"https://glow.localhost/admin/check-in/GLOW-{member.pk:06d}/"
    )
    assert card["barcodes"][0]["altText"] == member_number(member)
    assert card["storeCard"]["primaryFields"][0]["value"] == 320
    secondary = {f["key"]: f["value"] for f in card["storeCard"]["secondaryFields"]}
    assert secondary == {"member": member.name, "tier": "Gold"}


def test_the_google_link_carries_a_signed_jwt_with_the_card(
    clinic, member, member_portal, wallet_on, google_settings
):
    html = member_portal.get("/wallet/").content.decode()
    start = html.index("https://pay.google.com/gp/v/save/")
    token = html[start:].split('"', 1)[0].removeprefix("https://pay.google.com/gp/v/save/")
    claims = jwt.decode(
        token, google_settings.public_key(), algorithms=["RS256"], audience="google"
    )
    assert jwt.get_unverified_header(token)["kid"] == "k1"
    assert claims["iss"] == "wallet@portal-test.iam.gserviceaccount.com"
    assert claims["typ"] == "savetowallet"
    assert claims["origins"] == ["https://glow.localhost"]
    [obj] = claims["payload"]["loyaltyObjects"]
    [cls] = claims["payload"]["loyaltyClasses"]
    assert obj["id"] == f"3388000000012345678.glow-{member.pk}"
    assert obj["classId"] == cls["id"] == "3388000000012345678.glow-membership"
    assert obj["accountId"] == member_number(member)
    assert obj["barcode"] == {
        "type": "QR_CODE",
        "value": f"https://glow.localhost/admin/check-in/{member_number(member)}/",
        "alternateText": member_number(member),
    }
    assert obj["loyaltyPoints"]["balance"] == {"int": 320}
    assert obj["textModulesData"][0]["body"] == "Gold"
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, _key().public_key(), algorithms=["RS256"], audience="google")


def test_the_wallet_page_shows_the_card_with_a_qr_code(
    clinic, member, member_portal, wallet_on, apple_settings
):
    html = member_portal.get("/wallet/").content.decode()
    assert member_number(member) in html and "<svg" in html
    assert "320 points" in html and "Gold" in html
    assert "Add to Apple Wallet" in html and "Save to Google Wallet" not in html


def test_without_keys_the_page_works_as_the_card_and_no_pass_is_offered(
    clinic, member, member_portal, wallet_on
):
    html = member_portal.get("/wallet/").content.decode()
    assert member_number(member) in html
    assert "Add to Apple Wallet" not in html and "Save to Google Wallet" not in html
    assert member_portal.get("/wallet/membership.pkpass").status_code == 404


def test_wallet_off_is_404_in_the_portal_and_feature_disabled_in_the_api(
    clinic, member, member_portal, apple_settings
):
    assert member_portal.get("/wallet/").status_code == 404
    assert member_portal.get("/wallet/membership.pkpass").status_code == 404
    for path in ("/api/v1/wallet", "/api/v1/wallet/membership.pkpass"):
        answer = member_portal.get(path)
        assert answer.status_code == 403 and answer.json()["code"] == "feature_disabled"


def test_api_gives_the_card_and_the_pass(
    clinic, member, member_portal, wallet_on, apple_settings, google_settings
):
    body = member_portal.get("/api/v1/wallet").json()
    assert body["member_number"] == member_number(member)
    assert body["check_in_url"] == f"https://glow.localhost/admin/check-in/{member_number(member)}/"
    assert body["balance"] == 320 and body["tier"] == "Gold"
    assert body["apple_pass_url"] == "http://glow.localhost/api/v1/wallet/membership.pkpass"
    assert body["google_save_url"].startswith("https://pay.google.com/gp/v/save/")
    data = member_portal.get("/api/v1/wallet/membership.pkpass").content
    card = json.loads(_unzip(data)["pass.json"])
    assert card["serialNumber"] == f"glow-{member.pk}"


def test_each_client_gets_only_their_own_card(
    clinic, other_clinic, member, wallet_on, apple_settings
):
    someone = ClientAccountFactory(clinic=clinic)
    browser = host_client(clinic)
    browser.force_login(someone.user)
    card = json.loads(_unzip(browser.get("/wallet/membership.pkpass").content)["pass.json"])
    assert card["barcodes"][0]["altText"] == member_number(someone) != member_number(member)
    assert card["barcodes"][0]["message"].endswith(f"/check-in/{member_number(someone)}/")
    # The same person at another clinic gets that clinic's card, never this one's.
    features_update(clinic=other_clinic, wallet_passes=True)
    ClientAccountFactory(clinic=other_clinic, user=member.user)  # a client there too
    elsewhere = host_client(other_clinic)
    elsewhere.force_login(member.user)
    body = elsewhere.get("/api/v1/wallet").json()
    assert body["member_number"].startswith("RIVERS-") and body["balance"] == 0


def test_a_visitor_is_asked_to_sign_in(clinic, portal, wallet_on):
    assert portal.get("/wallet/").status_code == 302
    assert portal.get("/wallet/membership.pkpass").status_code == 302


def test_the_rewards_page_links_to_the_card_only_when_wallet_is_on(clinic, member, member_portal):
    features_update(clinic=clinic, rewards=True)
    assert "/wallet/" not in member_portal.get("/rewards/").content.decode()
    features_update(clinic=clinic, wallet_passes=True)
    assert "/wallet/" in member_portal.get("/rewards/").content.decode()
