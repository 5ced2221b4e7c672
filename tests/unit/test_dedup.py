from transforms.dedup import NearDuplicateIndex, distance, simhash

WIRE = " ".join(
    f"On day {n} of the works the council reported that crews had replaced {n * 3} beams, "
    f"that the budget of {n + 40} thousand was holding, and that residents of street {n} "
    "should expect noise in the early morning while cranes moved steel across the river."
    for n in range(1, 13)
)


def test_near_copies_are_close_and_other_texts_far():
    syndicated = "By Staff Reporter. " + WIRE + " Copyright 2024 Town Times."
    other = "The football club announced a new manager on Monday after a long search for a coach with experience in the top division and a record of developing young players."
    assert distance(simhash(WIRE), simhash(syndicated)) <= 3
    assert distance(simhash(WIRE), simhash(other)) > 10
    assert simhash("too short") == 0
    assert -(2**63) <= simhash(WIRE) < 2**63


def test_index_points_to_the_earliest_copy():
    index = NearDuplicateIndex()
    index.add(simhash(WIRE), "first")
    index.add(simhash(WIRE + " Updated at noon."), "second")
    assert index.find(simhash("By Staff Reporter. " + WIRE)) == "first"
    assert index.find(simhash(WIRE), exclude="first") == "second"
    assert (
        index.find(
            simhash(
                "An unrelated story about the weather this weekend and the rain that is coming to the hills."
            )
        )
        is None
    )


def _reference_simhash(text: str, shingle: int = 3) -> int:
    """The definition, written plainly: lakes store these values, so they never change."""
    import hashlib
    import re

    words = [w.lower() for w in re.findall(r"\w+", text)]
    if len(words) < shingle + 2:
        return 0
    value = 0
    grams = [" ".join(words[i : i + shingle]) for i in range(len(words) - shingle + 1)]
    hashes = [
        int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "big") for g in grams
    ]
    for bit in range(64):
        if 2 * sum((h >> bit) & 1 for h in hashes) > len(hashes):
            value |= 1 << bit
    return value - (1 << 64) if value >= 1 << 63 else value


def test_simhash_values_follow_their_definition():
    from tests.conftest import ROOT

    texts = [p.read_text() for p in sorted((ROOT / "data" / "samples").glob("*.txt"))]
    texts += [
        "Çà et là, l'ÉTÉ dernier, İstanbul and Straße met naïve café owners.",
        "one two three four",  # too short: 0
        "one two three four five",
    ]
    assert len(texts) >= 5
    assert [simhash(t) for t in texts] == [_reference_simhash(t) for t in texts]
    assert simhash("one two three four") == 0
    assert simhash("The river rose again overnight, and the town's two bridges closed.") == (
        _reference_simhash("The river rose again overnight, and the town's two bridges closed.")
    )
