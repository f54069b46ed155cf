"""A file whose name only looks like one of ours is refused, and the reason says which."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from bundle.helpers import RawEntry, build_zip, fake_signer, write_bag
from bundle.test_hostile import bag_entries
from rvr_desktop.evidence.bundle import lookalikes
from rvr_desktop.evidence.bundle.archive import open_bag_source
from rvr_desktop.evidence.bundle.bagit_reader import check_payload, load_bag
from rvr_desktop.evidence.bundle.bagit_writer import BagWriter
from rvr_desktop.evidence.bundle.errors import HostileBundle, MalformedBag, UnsafeBundlePath
from rvr_desktop.evidence.bundle.layout import BundleLayout
from rvr_desktop.evidence.bundle.lookalikes import first_lookalike, skeleton
from rvr_desktop.evidence.bundle.names import path_problem, portable_component
from rvr_desktop.evidence.bundle.tagfiles import parse_manifest

CYRILLIC_E = "\u0435"


def test_statement_spelled_with_a_cyrillic_e_is_refused_in_a_zip(tmp_path: Path) -> None:
    name = f"data/statement/MG11-stat{CYRILLIC_E}ment.pdf"
    path = tmp_path / "bundle.zip"
    path.write_bytes(build_zip(bag_entries(RawEntry(name.encode(), b"%PDF-forged", flags=0x800))))
    with pytest.raises(HostileBundle) as refused:
        open_bag_source(path)
    message = str(refused.value)
    assert "it looks like 'MG11-statement.pdf'" in message
    assert "U+0435 CYRILLIC SMALL LETTER IE" in message


@pytest.mark.parametrize(
    ("name", "looks_like"),
    [
        ("data/\u0441\u0430\u0455\u0435.json", "data/case.json"),  # wholly Cyrillic "саѕе"
        ("data/stat\u0435ment/MG11-statement.pdf", "statement"),  # a look-alike folder
        ("data/statement/MGl1-statement.pdf", "data/statement/MG11-statement.pdf"),
        ("data/statement/MG11-statement\u2010copy.pdf", None),  # honest: no reserved twin
        ("\uff4danifest-sha256.txt", "manifest-sha256.txt"),  # full-width m
        ("data/Case.json", "data/case.json"),
    ],
)
def test_a_name_that_looks_like_a_reserved_one_is_refused(
    tmp_path: Path, name: str, looks_like: str | None
) -> None:
    bag = write_bag(tmp_path / "bag").path
    target = bag.joinpath(*name.split("/"))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"forged")
    if looks_like is None:
        with open_bag_source(bag) as source:
            assert name in [m.path for m in source.list_files()]
        return
    with pytest.raises(HostileBundle) as refused:
        open_bag_source(bag)
    assert f"it looks like {looks_like!r}" in str(refused.value)


def test_two_exhibit_names_that_look_alike_are_refused(tmp_path: Path) -> None:
    assert first_lookalike(["data/exhibits/JS-1/photo.jpg", "data/exhibits/JS-1/ph\u043eto.jpg"])
    bag = write_bag(tmp_path / "bag").path
    (bag / "data" / "exhibits" / "JS-1 photo.jpg").write_bytes(b"a")
    (bag / "data" / "exhibits" / "JS-l photo.jpg").write_bytes(b"b")
    with pytest.raises(HostileBundle, match=r"looks like 'data/exhibits/JS-1 photo\.jpg'"):
        open_bag_source(bag)


def test_names_wholly_in_another_script_are_accepted(tmp_path: Path) -> None:
    """A Russian or Greek exhibit name is honest; only mixing inside a word is refused."""
    names = ["фото синяков.jpg", "Φωτογραφία.png", "写真.jpg", "Zoë's café.txt", "ИМГ_IMG.jpg"]
    assert [path_problem(n) for n in names] == [None] * len(names)
    with BagWriter(tmp_path / "bag.zip", BundleLayout.ZIP) as writer:
        for n, name in enumerate(names):
            writer.add_payload_bytes(f"exhibits/JS-{n}/{name}", name.encode())
        written = writer.finish([("Case-Reference", "INC-1")], sign=fake_signer())
    with open_bag_source(written.path) as source:
        assert check_payload(source, load_bag(source).manifest).intact


def test_an_imported_file_name_mixing_scripts_is_made_safe_for_export() -> None:
    assert portable_component(f"stat{CYRILLIC_E}ment.jpg") == "stat_ment.jpg"
    assert portable_component("ｐｈｏｔｏ.jpg") == "photo.jpg"
    assert path_problem(portable_component("pаypаl-ЅСАМ.png")) is None


def test_the_writer_refuses_a_name_that_looks_like_one_already_added(tmp_path: Path) -> None:
    with BagWriter(tmp_path / "bag", BundleLayout.FOLDER) as writer:
        writer.add_payload_bytes("exhibits/JS-1/IMG_0001.jpg", b"a")
        with pytest.raises(
            UnsafeBundlePath, match=r"looks like 'data/exhibits/JS-1/IMG_0001\.jpg'"
        ):
            writer.add_payload_bytes("exhibits/JS-1/IMG_OOO1.jpg", b"b")
        writer.abort()


def test_a_manifest_listing_a_lookalike_of_a_reserved_name_is_refused() -> None:
    digest = hashlib.sha256(b"x").hexdigest()
    data = f"{digest}  data/\u0441\u0430\u0455\u0435.json\n".encode()
    with pytest.raises(MalformedBag, match=r"line 1: 'data/саѕе\.json': it looks like 'data/case"):
        parse_manifest(data, "manifest-sha256.txt", payload=True, max_entries=10)


def test_skeletons_fold_the_usual_disguises() -> None:
    assert skeleton("MG11-STATEMENT.PDF") == skeleton("mgll-statement.pdf")
    assert skeleton("ΜG11-ЅТАТЕМЕNТ.pdf") == skeleton("MG11-STATEMENT.pdf")
    assert skeleton("staternent") == skeleton("statement")
    assert skeleton("case.json") != skeleton("cases.json")


def test_a_plain_ascii_name_folds_as_the_full_unicode_path_folds_it() -> None:
    # Plain ASCII names take a byte-table shortcut; it must agree with NFKC, the
    # look-alike table and case folding on every ASCII character, alone and in pairs.
    every = "".join(chr(code) for code in range(128))
    for name in [every, every[::-1], "MG11-STATEMENT.PDF", "Rn|0.vv", "JS-1/IMG_0011.PNG"]:
        assert skeleton(name) == _unicode_skeleton(name)


def _unicode_skeleton(name: str) -> str:
    text = lookalikes._folded(name)
    for many, one in lookalikes._LOOKALIKE_PAIRS:
        text = text.replace(many, one)
    return text
