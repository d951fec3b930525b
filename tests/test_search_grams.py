"""The grams a search reads (app/search_grams.py): what a text holds and what a typed text needs."""
from sqlalchemy import delete, insert, select, update

from app.auth.models import User
from app.extensions import db
from app.search_grams import SearchGram, decides, fold, grams_of, needed_grams


def test_a_text_holds_its_characters_and_pairs_folded_one_for_one():
    assert grams_of("Ab食") == {"a", "b", "食", "ab", "b食"}
    assert grams_of("食堂", "堂x") == {"食", "堂", "x", "食堂", "堂x"}  # no pair across two fields
    assert fold("ΑΣ") == "ασ"  # not the final ς of str.lower(): PostgreSQL's lower() folds each letter
    assert len(fold("İstanbul")) == len("İstanbul")


def test_a_typed_text_needs_its_character_or_its_pairs():
    assert needed_grams("华") == ["华"]
    assert needed_grams("食堂") == ["食堂"]
    assert needed_grams("AIR") == ["ai", "ir"]
    assert needed_grams("100%") == ["10", "00", "0%"]  # literal where the search escapes it
    long = needed_grams("一二三四五六七八")
    assert len(long) == 4 and long[-1] == "七八"  # a few pairs narrow it; LIKE checks the whole text


def test_wildcards_split_a_pattern_into_the_runs_between_them():
    assert needed_grams("张_伟", wildcards=True) == ["张", "伟"]
    assert needed_grams("华%为公司", wildcards=True) == ["华", "为公", "公司"]
    assert needed_grams("%", wildcards=True) == []
    assert needed_grams("a\\b", wildcards=True) == ["a", "b"]


def test_only_a_short_text_without_case_is_decided_by_its_gram():
    assert decides("华") and decides("食堂") and decides("30") and decides("😀")
    assert not decides("食堂饭")  # three characters: two pairs held apart would also match
    assert not decides("k")  # a letter: the Kelvin sign folds to k here, not in SQLite's LIKE
    assert decides("%") and not decides("%", wildcards=True)  # literal in the triage, a wildcard in the register


def _holders(kind: str, gram: str) -> list[int]:
    return list(db.session.scalars(select(SearchGram.row_id).where(SearchGram.kind == kind, SearchGram.gram == gram)))


def test_bulk_statements_keep_the_grams_too(app):
    """insert(Model) with rows (the benchmark's data), update/delete(Model) with a WHERE write no flush."""
    db.session.execute(insert(User), [{"login": "bulk1", "name": "上官婉儿", "password_hash": "x"}])
    ident = db.session.scalar(select(User.id).where(User.login == "bulk1"))
    assert _holders("user", "婉儿") == [ident]
    db.session.execute(update(User).where(User.login == "bulk1").values(name="李清照"))
    assert _holders("user", "婉儿") == [] and _holders("user", "清照") == [ident]
    db.session.execute(delete(User).where(User.id == ident))
    assert _holders("user", "清照") == []
    db.session.commit()
